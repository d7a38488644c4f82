#!/usr/bin/env python3
"""Writes the bad-input corpus of fixtures/bad/{config,hcl,offer,report}/ (fixtures/bad/plan/ is
written by make-bad-plans.py). Run from the repository root after `cargo build`: the report cases
start from a real report of fixtures/tf/instances made by target/debug/plancost. The output is
committed; tests never run this script.

An optional NAME.expect (for a directory case, DIR/case.expect) lists substrings the error
message must contain; without one the message must carry a `:line:column:` position.
Symbolic-link loops are not here: tests/integration/bad_input.rs makes them at run time, as a
link loop in the repository would trip every tool that walks it.
"""
import copy
import gzip
import json
import os
import shutil
import subprocess

BAD = "fixtures/bad"


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def expect(path, lines):
    write(path, "\n".join(lines) + "\n")


def fresh(folder):
    path = os.path.join(BAD, folder)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def bomb(indent, first="version: 1\n"):
    """Nine levels of nine aliases: 387 million nodes if expanded."""
    names = "abcdefghi"
    text = f"{indent}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for prev, name in zip(names, names[1:]):
        text += f"{indent}{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    return text


def config_cases():
    out = fresh("config")
    plan = "../../tf/eks/plan.json"
    head = f"version: 1\nprojects:\n  - name: a\n    path: {plan}\n"
    cases = {
        "empty": "",
        "top-level-list": "- version: 1\n",
        "no-version": f"projects:\n  - name: a\n    path: {plan}\n",
        "version-2": head.replace("version: 1", "version: 2"),
        "version-text": head.replace("version: 1", "version: one"),
        "no-projects": "version: 1\nprojects: []\n",
        "projects-map": "version: 1\nprojects: {a: 1}\n",
        "name-list": f"version: 1\nprojects:\n  - name: [a]\n    path: {plan}\n",
        "name-empty": f"version: 1\nprojects:\n  - name: ''\n    path: {plan}\n",
        "unknown-top-key": head + "budgets: {}\n",
        "unknown-project-key": head + "    budgett:\n      monthly: 10\n",
        "duplicate-key": head + "    budget:\n      monthly: 10\n      monthly: 20\n",
        "duplicate-project": head + f"  - name: a\n    path: {plan}\n",
        "budget-negative": head + "    budget:\n      monthly: -5\n",
        "budget-huge-float": head + "    budget:\n      monthly: 1e400\n",
        "budget-huge-integer": head + "    budget:\n      monthly: 99999999999999999999999999999999999\n",
        "budget-nan": head + "    budget:\n      monthly: .nan\n",
        "budget-text": head + "    budget:\n      monthly: lots\n",
        "budget-list": head + "    budget:\n      monthly: [1, 2]\n",
        "warn-percent-over-100": head + "    budget:\n      monthly: 10\n      warn_percent: 150\n",
        "unknown-category": head + "    budget:\n      categories: {gpu: 10}\n",
        "category-override-unknown": head + "categories:\n  aws_instance: gpu\n",
        "policy-bool-text": head + "policy:\n  fail_on_unpriced: \"yes\"\n",
        "policy-yaml11-bool": head + "policy:\n  fail_on_unpriced: yes\n",
        "policy-increase-negative": head + "policy:\n  max_monthly_increase: -1\n",
        "scenario-nodes-negative": head + "scenarios:\n  - name: s\n    project: a\n    nodes: -3\n",
        "scenario-unknown-project": head + "scenarios:\n  - name: s\n    project: b\n",
        "assumption-missing-fields": head + "assumptions:\n  prices:\n    - name: x\n",
        "assumption-per-zero": head + "assumptions:\n  prices:\n    - name: x\n      resource_type: aws_instance\n      component: Instance\n      assumed: 1\n      per: 0\n",
        "path-missing": "version: 1\nprojects:\n  - name: a\n    path: does-not-exist.json\n",
        "usage-file-missing": head + "    usage_file: 12\n",
        "tab-indent": "version: 1\nprojects:\n\t- name: a\n",
        "unclosed-bracket": head + "    vars: {a: [1, 2\n",
        "binary-tag": "--- !!binary\nAAAA\n",
        "two-documents": head + "---\n" + head,
        "unknown-alias": head + "    vars: *nowhere\n",
        "alias-bomb": f"version: 1\nprojects:\n  - name: a\n    path: {plan}\n    vars:\n" + bomb("      "),
        "recursive-alias": head + "    vars: &v\n      self: *v\n",
        "deep-nesting": head + "    vars:\n      deep: " + "[" * 100000 + "]" * 100000 + "\n",
    }
    for name, text in cases.items():
        write(os.path.join(out, name + ".yml"), text)
    write(os.path.join(out, "invalid-utf8.yml"), head.encode() + b"    vars: {a: \"\xff\xfe\"}\n")
    expect(os.path.join(out, "invalid-utf8.expect"), ["not UTF-8"])
    expect(os.path.join(out, "no-projects.expect"), ["no projects"])
    expect(os.path.join(out, "assumption-per-zero.expect"), ["more than 0"])


HCL = {
    "syntax-unclosed-block": 'resource "aws_instance" "a" {\n  instance_type = "t3.micro"\n',
    "syntax-bad-token": 'resource "aws_instance" "a" {\n  instance_type = "t3.micro" @@\n}\n',
    "syntax-unterminated-string": 'resource "aws_instance" "a" {\n  instance_type = "t3.micro\n}\n',
    "syntax-unclosed-interpolation": 'locals {\n  a = "${1 + "\n}\n',
    "cycle-locals": 'locals {\n  a = local.b\n  b = local.a\n}\n',
    "cycle-self": 'locals {\n  a = local.a\n}\n',
    "cycle-resources": 'resource "aws_instance" "a" {\n  instance_type = aws_instance.b.instance_type\n}\nresource "aws_instance" "b" {\n  instance_type = aws_instance.a.instance_type\n}\n',
    "missing-variable": 'variable "size" {\n  type = string\n}\nresource "aws_instance" "a" {\n  instance_type = var.size\n}\n',
    "undeclared-variable": 'resource "aws_instance" "a" {\n  instance_type = var.nope\n}\n',
    "undeclared-local": 'resource "aws_instance" "a" {\n  instance_type = local.nope\n}\n',
    "variable-wrong-type": 'variable "n" {\n  type = number\n  default = "abc"\n}\nresource "aws_instance" "a" {\n  count = var.n\n  instance_type = "t3.micro"\n}\n',
    "variable-declared-twice": 'variable "a" {}\nvariable "a" {}\n',
    "resource-declared-twice": 'resource "aws_instance" "a" {\n  instance_type = "t3.micro"\n}\nresource "aws_instance" "a" {\n  instance_type = "t3.small"\n}\n',
    "count-negative": 'resource "aws_instance" "a" {\n  count = -1\n  instance_type = "t3.micro"\n}\n',
    "count-huge": 'resource "aws_instance" "a" {\n  count = 1000000000000\n  instance_type = "t3.micro"\n}\n',
    "count-fraction": 'resource "aws_instance" "a" {\n  count = 1.5\n  instance_type = "t3.micro"\n}\n',
    "count-string": 'resource "aws_instance" "a" {\n  count = "many"\n  instance_type = "t3.micro"\n}\n',
    "for-each-null": 'resource "aws_instance" "a" {\n  for_each = null\n  instance_type = "t3.micro"\n}\n',
    "for-each-numbers": 'resource "aws_instance" "a" {\n  for_each = toset([1, 2])\n  instance_type = each.key\n}\n',
    "range-huge": 'locals {\n  xs = range(100000000000)\n}\n',
    "string-doubling": "locals {\n  s0 = \"xxxxxxxxxxxxxxxx\"\n"
    + "".join(f"  s{i} = \"${{local.s{i - 1}}}${{local.s{i - 1}}}\"\n" for i in range(1, 40))
    + "}\nresource \"aws_instance\" \"a\" {\n  instance_type = local.s39\n}\n",
    "join-bomb": 'locals {\n  a = join("", [for i in range(100000) : "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"])\n  b = join("", [for i in range(100000) : local.a])\n}\n',
    "replace-bomb": 'locals {\n  a = join("", [for i in range(1000000) : "a"])\n  b = replace(local.a, "a", local.a)\n}\n',
    "setproduct-bomb": 'locals {\n  r = range(1000)\n  p = setproduct(local.r, local.r, local.r, local.r)\n}\n',
    "deep-nesting": "locals {\n  x = " + "[" * 50000 + "]" * 50000 + "\n}\n",
    "deep-parentheses": "locals {\n  x = " + "(" * 50000 + "1" + ")" * 50000 + "\n}\n",
    "deep-blocks": 'resource "aws_instance" "a" {\n' + "b {\n" * 20000 + "}\n" * 20000 + "}\n",
    "unsupported-function": 'resource "aws_instance" "a" {\n  instance_type = nosuchfunction(1)\n}\n',
    "module-calls-itself": 'module "m" {\n  source = "./"\n}\n',
    "module-missing-source": 'module "m" {\n}\n',
    "file-outside-absolute": 'resource "aws_instance" "a" {\n  instance_type = "t3.micro"\n  user_data = file("/etc/passwd")\n}\n',
    "file-outside-dotdot": 'resource "aws_instance" "a" {\n  instance_type = "t3.micro"\n  user_data = file("${path.module}/../../../../../../../../etc/passwd")\n}\n',
    "templatefile-outside": 'resource "aws_instance" "a" {\n  instance_type = "t3.micro"\n  user_data = templatefile("/etc/hostname", {})\n}\n',
    "block-missing-label": 'resource "aws_instance" {\n  instance_type = "t3.micro"\n}\n',
}


def hcl_cases():
    out = fresh("hcl")
    provider = 'provider "aws" {\n  region = "us-east-1"\n}\n'
    for name, text in HCL.items():
        write(os.path.join(out, name, "main.tf"), provider + text)
    # Cases that are not one main.tf.
    write(os.path.join(out, "no-tf-files", "README.md"), "No Terraform here.\n")
    expect(os.path.join(out, "no-tf-files", "case.expect"), ["no Terraform files"])
    write(os.path.join(out, "invalid-utf8", "main.tf"), provider.encode() + b'locals {\n  a = "\xff\xfe"\n}\n')
    expect(os.path.join(out, "invalid-utf8", "case.expect"), ["main.tf", "not UTF-8"])
    write(os.path.join(out, "json-truncated", "main.tf.json"), '{"resource": {"aws_instance": {"a": [1, 2')
    write(os.path.join(out, "tfvars-syntax", "main.tf"), provider + 'variable "size" {\n  type = string\n}\n')
    write(os.path.join(out, "tfvars-syntax", "terraform.tfvars"), "size = \n")
    write(os.path.join(out, "module-loop", "main.tf"), provider + 'module "a" {\n  source = "./a"\n}\n')
    write(os.path.join(out, "module-loop", "a", "main.tf"), 'module "b" {\n  source = "../b"\n}\n')
    write(os.path.join(out, "module-loop", "b", "main.tf"), 'module "a" {\n  source = "../a"\n}\n')


def offer_cases():
    out = fresh("offer")
    src_path = "fixtures/prices/aws-bulk-eu-west-1-2023-02-23/offers/v1.0/aws/AWSELB/20230223000000/eu-west-1/index.json"
    with open(src_path) as f:
        src = f.read()
    doc = json.loads(src)

    def w(name, data, want=None):
        write(os.path.join(out, name), data)
        if want:
            expect(os.path.join(out, name.split(".")[0] + ".expect"), want)

    def mutate(name, fn, want=None):
        d = copy.deepcopy(doc)
        fn(d)
        w(name, json.dumps(d, indent=1), want)

    def first_dimension(d):
        terms = d["terms"]["OnDemand"]
        sku = next(iter(terms))
        offer = next(iter(terms[sku]))
        dims = terms[sku][offer]["priceDimensions"]
        return dims[next(iter(dims))]

    w("empty.json", "", ["not a price file"])
    w("not-json.json", "products: yes\n", ["not a price file"])
    w("truncated.json", src[: len(src) // 2], ["ends too early"])
    w("cut-in-products.json", src[: src.index('"terms"') - 200], ["ends too early"])
    w("trailing-garbage.json", src + "}}}", ["byte"])
    w("gzip-truncated.json.gz", gzip.compress(src.encode())[:300], ["ends too early"])
    corrupt = bytearray(gzip.compress(src.encode()))
    for i in range(len(corrupt) // 2, len(corrupt) // 2 + 40):
        corrupt[i] ^= 0xFF
    w("gzip-corrupt.json.gz", bytes(corrupt), ["gzip-corrupt.json.gz:"])
    w("gzip-header-only.json.gz", b"\x1f\x8b" + b"garbage" * 10, ["gzip"])
    w("invalid-utf8.json", src.replace('"AWSELB"', '"AWS\udcffELB"', 1).encode("utf-8", "surrogateescape"), ["byte"])
    w("deep-nesting.json", '{"products": ' + "[" * 200000 + "]" * 200000 + "}", ["byte"])
    mutate("products-array.json", lambda d: d.__setitem__("products", []), ["byte"])
    mutate("terms-string.json", lambda d: d.__setitem__("terms", "none"), ["byte"])
    mutate("no-offer-code.json", lambda d: d.pop("offerCode"), ["offerCode"])
    mutate("offer-code-number.json", lambda d: d.__setitem__("offerCode", 5), ["byte"])

    def attributes_string(d):
        d["products"][next(iter(d["products"]))]["attributes"] = "x"

    mutate("attributes-string.json", attributes_string, ["byte"])
    mutate("price-not-decimal.json", lambda d: first_dimension(d)["pricePerUnit"].__setitem__("USD", "abc"), ["byte", "price"])
    mutate("price-number.json", lambda d: first_dimension(d)["pricePerUnit"].__setitem__("USD", 1.5), ["byte"])
    mutate("price-negative.json", lambda d: first_dimension(d)["pricePerUnit"].__setitem__("USD", "-0.5"), ["byte", "price"])
    mutate("price-huge.json", lambda d: first_dimension(d)["pricePerUnit"].__setitem__("USD", "1" + "0" * 40), ["byte", "price"])
    mutate("range-not-number.json", lambda d: first_dimension(d).__setitem__("beginRange", "ten"), ["byte", "beginRange"])
    mutate("range-negative.json", lambda d: first_dimension(d).__setitem__("endRange", "-10"), ["byte", "endRange"])


def report_cases():
    out = fresh("report")
    src = subprocess.run(
        ["target/debug/plancost", "breakdown", "--format", "json", "fixtures/tf/instances/plan.json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    base = json.loads(src)

    def w(name, data, want=None):
        write(os.path.join(out, name), data if isinstance(data, (bytes, str)) else json.dumps(data, indent=1))
        if want:
            expect(os.path.join(out, name.split(".")[0] + ".expect"), want)

    def m(name, fn, want=None):
        d = copy.deepcopy(base)
        fn(d)
        w(name, d, want)

    def resource(d):
        return d["projects"][0]["resources"][0]

    w("empty.json", "")
    w("truncated.json", src[: len(src) // 2])
    w("not-json.json", "report: yes\n")
    w("top-level-array.json", "[]\n")
    w("invalid-utf8.json", src.replace('"USD"', '"US\udcffD"', 1).encode("utf-8", "surrogateescape"))
    w("deep-nesting.json", '{"projects":' + "[" * 100000 + "]" * 100000 + "}")
    m("schema-version-2.json", lambda d: d.__setitem__("schema_version", "2"), ["schema version"])
    m("schema-version-missing.json", lambda d: d.pop("schema_version"))
    m("currency-eur.json", lambda d: d.__setitem__("currency", "EUR"), ["USD"])
    m("projects-object.json", lambda d: d.__setitem__("projects", {}))
    m("resources-string.json", lambda d: d["projects"][0].__setitem__("resources", "x"))
    m("components-null.json", lambda d: resource(d).__setitem__("components", None))
    m("action-unknown.json", lambda d: resource(d).__setitem__("action", "explode"))
    m("category-unknown.json", lambda d: resource(d).__setitem__("category", "gpu"))
    m("money-garbage.json", lambda d: resource(d).__setitem__("monthly_cost", "10.5abc"))
    m("money-exponent.json", lambda d: d.__setitem__("total_monthly_cost", "1e999999"))
    m("money-beyond-decimal.json", lambda d: resource(d).__setitem__("monthly_cost", "9" * 40))
    m("money-near-decimal-max.json", lambda d: resource(d).__setitem__("monthly_cost", "79228162514264337593543950335"), ["projects[0].resources[0].monthly_cost", "plausible"])
    m("quantity-near-decimal-max.json", lambda d: resource(d)["components"][0].__setitem__("monthly_quantity", "79228162514264337593543950335"), ["monthly_quantity", "plausible"])

    def two_projects(d):
        d["projects"].append(copy.deepcopy(d["projects"][0]))

    m("duplicate-projects.json", two_projects, ["two projects named"])


def main():
    config_cases()
    hcl_cases()
    offer_cases()
    report_cases()


if __name__ == "__main__":
    main()
