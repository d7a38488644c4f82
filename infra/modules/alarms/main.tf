# CloudWatch metric alarms, one per entry of `alarms` (keyed by a stable name, so adding or
# removing one alarm never renumbers the others). All are standard-resolution, single-metric
# alarms: $0.10 per alarm-month each. No alarm actions are wired (an SNS topic would be a separate,
# separately priced resource).

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = var.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  comparison_operator = each.value.comparison_operator
  threshold           = each.value.threshold
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  treat_missing_data  = each.value.treat_missing_data

  tags = var.tags
}
