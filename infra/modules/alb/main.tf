# Internet-facing Application Load Balancer in the public subnets, an IP target group for the
# inference service (the AWS Load Balancer Controller registers pod IPs) and an HTTP listener.
# Priced: ALB hours and LCUs (LCUs from the usage file). Target group, listener and security group
# are free.

resource "aws_security_group" "this" {
  name        = "${var.name}-alb"
  description = "HTTP into the ALB"
  vpc_id      = var.vpc_id

  ingress {
    description = "HTTP"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "To targets in the VPC"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = [var.vpc_cidr_block]
  }

  tags = var.tags
}

resource "aws_lb" "this" {
  name               = "${var.name}-alb"
  load_balancer_type = "application"
  internal           = false
  security_groups    = [aws_security_group.this.id]
  subnets            = var.subnet_ids
  idle_timeout       = 120

  tags = var.tags
}

resource "aws_lb_target_group" "inference" {
  name        = "${var.name}-inference"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id

  health_check {
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = var.tags
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.inference.arn
  }

  tags = var.tags
}
