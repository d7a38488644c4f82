output "spot_desired_size" {
  value = local.groups.spot.desired
}

output "on_demand_desired_size" {
  value = local.groups.on_demand.desired
}

output "split" {
  description = "Desired/min/max of each group, as planned."
  value       = local.groups
}
