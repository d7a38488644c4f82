//! HCL mode at scale: a generated repository of 1,000 module instances and 20,000 resources,
//! evaluated by `terraform::hcl::load_dir` (parse, graph, evaluation, regions, references).
//!
//! Run with `cargo bench --bench hcl`. Prints the median of a few runs; the figure is recorded
//! in the README's "Performance" section. No criterion: one median over whole evaluations is
//! the number users feel, and it needs no extra dependency.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Module calls in the root, each with this many for_each instances: 50 x 20 = 1,000.
const CALLS: usize = 50;
const INSTANCES_PER_CALL: usize = 20;
/// Resources per module instance: 4 resource blocks x count 5 = 20, so 20,000 in all.
const BLOCKS_PER_MODULE: usize = 4;
const COUNT_PER_BLOCK: usize = 5;
const RUNS: usize = 5;

fn generate(dir: &Path) {
    let module = dir.join("modules").join("service");
    std::fs::create_dir_all(&module).unwrap();
    let mut m = String::from(
        r#"variable "name" { type = string }
variable "settings" {
  type = object({
    instance_type = string
    disk_gb       = optional(number, 20)
    extra_disks   = optional(list(number), [])
    tags          = optional(map(string), {})
  })
}

locals {
  tags = merge(var.settings.tags, { Service = var.name, Module = "service" })
  subnet = cidrsubnet("10.0.0.0/8", 8, length(var.name))
}

resource "aws_launch_template" "this" {
  name          = "${var.name}-lt"
  instance_type = var.settings.instance_type
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = var.settings.disk_gb
      volume_type = "gp3"
    }
  }
  tags = local.tags
}
"#,
    );
    for b in 0..BLOCKS_PER_MODULE - 1 {
        m.push_str(&format!(
            r#"
resource "aws_instance" "worker{b}" {{
  count         = {COUNT_PER_BLOCK}
  ami           = "ami-0123456789abcdef0"
  instance_type = var.settings.instance_type
  subnet_id     = "subnet-${{count.index}}"
  launch_template {{
    id = aws_launch_template.this.id
  }}
  root_block_device {{
    volume_size = var.settings.disk_gb + count.index
    volume_type = count.index % 2 == 0 ? "gp3" : "gp2"
  }}
  dynamic "ebs_block_device" {{
    for_each = var.settings.extra_disks
    content {{
      device_name = "/dev/sd${{substr("fghijk", ebs_block_device.key, 1)}}"
      volume_size = ebs_block_device.value
    }}
  }}
  tags = merge(local.tags, {{ Name = format("%s-{b}-%02d", var.name, count.index) }})
}}
"#
        ));
    }
    m.push_str(&format!(
        r#"
resource "aws_ebs_volume" "data" {{
  count             = {}
  availability_zone = "us-east-1a"
  type              = "gp3"
  size              = 100 * (count.index + 1)
  tags              = local.tags
}}

output "instance_ids" {{
  value = aws_instance.worker0[*].id
}}

output "disk_total" {{
  value = sum([for v in aws_ebs_volume.data : v.size])
}}
"#,
        COUNT_PER_BLOCK - 1
    ));
    std::fs::write(module.join("main.tf"), m).unwrap();

    let mut root = String::from(
        r#"provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "us-east-1"
}

locals {
  types = ["t3.micro", "t3.small", "m5.large", "c5.xlarge"]
}
"#,
    );
    for c in 0..CALLS {
        root.push_str(&format!(
            r#"
module "svc{c}" {{
  source   = "./modules/service"
  for_each = {{ for i in range({INSTANCES_PER_CALL}) : "i${{i}}" => i }}

  name = "svc{c}-${{each.key}}"
  settings = {{
    instance_type = local.types[(each.value + {c}) % length(local.types)]
    disk_gb       = 20 + each.value
    extra_disks   = each.value % 3 == 0 ? [50, 60] : []
    tags          = {{ Owner = "team-{}" }}
  }}
}}
"#,
            c % 7
        ));
    }
    root.push_str(
        r#"
output "disk_total" {
  value = sum([for m in module.svc0 : m.disk_total])
}
"#,
    );
    std::fs::write(dir.join("main.tf"), root).unwrap();
}

fn main() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("plancost-bench-hcl-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    generate(&dir);
    let load = plancost::terraform::LoadOptions::default();
    let options = plancost::terraform::hcl::HclOptions::default();
    let mut times: Vec<Duration> = Vec::new();
    let mut resources = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let loaded = plancost::terraform::hcl::load_dir(&dir, &load, &options)
            .unwrap_or_else(|e| panic!("the generated repository evaluates: {e}"));
        times.push(start.elapsed());
        resources = loaded.after.len();
    }
    let _ = std::fs::remove_dir_all(&dir);
    times.sort();
    let median = times[RUNS / 2];
    let expected = CALLS * INSTANCES_PER_CALL * BLOCKS_PER_MODULE * COUNT_PER_BLOCK;
    assert_eq!(
        resources, expected,
        "the generator makes {expected} resources"
    );
    println!(
        "hcl load_dir: {} module instances, {resources} resources: median {:.3} s over {RUNS} runs (min {:.3} s, max {:.3} s)",
        CALLS * INSTANCES_PER_CALL,
        median.as_secs_f64(),
        times[0].as_secs_f64(),
        times[RUNS - 1].as_secs_f64()
    );
}
