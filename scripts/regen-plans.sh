#!/usr/bin/env bash
# Regenerates the committed Terraform plan fixtures with a real Terraform CLI, offline.
#
# For every root module directory given (default: each directory under fixtures/tf/ and
# infra/phase*/ that holds *.tf files), this runs `terraform init` against a local filesystem
# mirror of the hashicorp/aws provider, `terraform plan` with the mock credentials written in the
# root's provider block, and writes `terraform show -json` of that plan to `plan.json` beside the
# HCL. A root that holds a hand-made `prior.tfstate` is planned against that state with
# `-refresh=false`, which gives real update/replace/delete plans without any AWS account.
#
# Needs: terraform (any 1.x) and the provider mirror (TF_PROVIDER_MIRROR, default
# /opt/tf-plugins, laid out as registry.terraform.io/hashicorp/aws/<version>/<os_arch>/).
# Tests never run this script; they read the committed plan.json files.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
mirror=${TF_PROVIDER_MIRROR:-/opt/tf-plugins}
command -v terraform >/dev/null || { echo "regen-plans: terraform is not on PATH" >&2; exit 1; }
[ -d "$mirror/registry.terraform.io/hashicorp/aws" ] || {
  echo "regen-plans: no hashicorp/aws provider mirror under $mirror (set TF_PROVIDER_MIRROR)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/cli.tfrc" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct { exclude = ["registry.terraform.io/hashicorp/*"] }
}
CFG
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
# Keep the environment from leaking a region or real credentials into the fixtures.
unset AWS_REGION AWS_DEFAULT_REGION AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN

if [ $# -eq 0 ]; then
  set --
  for d in "$repo"/fixtures/tf/*/ "$repo"/infra/phase*/; do
    [ -d "$d" ] && compgen -G "$d*.tf" >/dev/null && set -- "$@" "${d%/}"
  done
fi

for root in "$@"; do
  root=$(cd "$root" && pwd)
  rel=${root#"$repo"/}
  echo "== $rel"
  # Plan in a scratch copy so .terraform/ and lock files never land in the repository. The copy
  # keeps the path depth (modules may refer to ../modules) by copying the whole top directory.
  top=${rel%%/*}
  rm -rf "$work/tree" && mkdir -p "$work/tree"
  cp -r "$repo/$top" "$work/tree/$top"
  dir="$work/tree/$rel"
  rm -rf "$dir/.terraform" "$dir/.terraform.lock.hcl"
  (cd "$dir" && terraform init -input=false -no-color >/dev/null)
  state_args=()
  [ -f "$dir/prior.tfstate" ] && state_args=(-state=prior.tfstate -refresh=false)
  var_args=()
  [ -f "$dir/plan.tfvars" ] && var_args=(-var-file=plan.tfvars)
  (cd "$dir" && terraform plan -input=false -no-color -lock=false "${state_args[@]}" "${var_args[@]}" -out=plan.bin >/dev/null)
  (cd "$dir" && terraform show -json plan.bin) | python3 -m json.tool --indent 1 >"$root/plan.json"
  echo "   wrote $rel/plan.json"
done
