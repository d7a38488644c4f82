output "cluster_name" {
  value = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  value = aws_eks_cluster.this.endpoint
}

output "node_role_arn" {
  value = aws_iam_role.node.arn
}

output "cluster_log_group_name" {
  value = aws_cloudwatch_log_group.cluster.name
}

output "application_log_group_name" {
  value = aws_cloudwatch_log_group.application.name
}

# Node groups must wait for the node role's policies; exporting this lets callers depend on them.
output "node_role_policy_attachments" {
  value = [for a in aws_iam_role_policy_attachment.node : a.id]
}
