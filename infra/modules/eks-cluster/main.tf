# EKS control plane, its IAM roles, the node role shared by every node group, the CloudWatch log
# groups of the cluster, and (optionally) the amazon-cloudwatch-observability add-on that turns on
# Container Insights.
#
# Priced here: the cluster (per hour; an extended-support surcharge applies once `kubernetes_version`
# leaves standard support), the log groups (ingestion and storage come from the usage file), and
# nothing for the add-on itself (Container Insights is billed through CloudWatch; the usage file
# carries the estimate's container count on the cluster). IAM is free.

locals {
  # Control-plane log types shipped to /aws/eks/<name>/cluster.
  cluster_log_types = ["api", "audit", "authenticator"]
}

resource "aws_iam_role" "cluster" {
  name = "${var.name}-cluster"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}

resource "aws_iam_role" "node" {
  name = "${var.name}-node"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset(concat(
    [
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    ],
    var.enable_container_insights ? ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"] : [],
  ))

  role       = aws_iam_role.node.name
  policy_arn = each.value
}

# Created before the cluster so EKS does not create it itself with "never expire" retention.
resource "aws_cloudwatch_log_group" "cluster" {
  name              = "/aws/eks/${var.name}/cluster"
  retention_in_days = var.log_retention_days

  tags = var.tags
}

# Application logs of the inference and API pods (Fluent Bit / the CloudWatch agent write here).
# The usage file hangs the estimate's custom-metric count on this resource.
resource "aws_cloudwatch_log_group" "application" {
  name              = "/aws/containerinsights/${var.name}/application"
  retention_in_days = var.log_retention_days

  tags = var.tags
}

resource "aws_eks_cluster" "this" {
  name     = var.name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  enabled_cluster_log_types = local.cluster_log_types

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = true
  }

  access_config {
    authentication_mode                         = "API_AND_CONFIG_MAP"
    bootstrap_cluster_creator_admin_permissions = true
  }

  tags = var.tags

  depends_on = [
    aws_iam_role_policy_attachment.cluster,
    aws_cloudwatch_log_group.cluster,
  ]
}

resource "aws_eks_addon" "cloudwatch_observability" {
  count = var.enable_container_insights ? 1 : 0

  cluster_name = aws_eks_cluster.this.name
  addon_name   = "amazon-cloudwatch-observability"

  tags = var.tags
}
