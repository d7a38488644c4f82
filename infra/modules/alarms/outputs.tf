output "alarm_count" {
  value = length(aws_cloudwatch_metric_alarm.this)
}
