#!/usr/bin/env python3
"""Writes the malformed plan cases of fixtures/bad/plan/ from the real plan of fixtures/tf.

Each case is a real Terraform plan with one thing broken, so the corpus covers every field
plancost reads. Run from the repository root; the output is committed (tests never run this).
An optional NAME.expect beside a case lists substrings its error message must contain.
"""
import copy
import json
import os

BASE = "fixtures/tf/eks/plan.json"
OUT = "fixtures/bad/plan"


def load():
    with open(BASE) as f:
        return json.load(f)


def write(name, doc, expect=None):
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        if isinstance(doc, (bytes, str)):
            f.write(doc if isinstance(doc, str) else doc.decode("latin-1"))
        else:
            json.dump(doc, f, indent=1)
    if expect:
        with open(os.path.join(OUT, name + ".expect"), "w") as f:
            f.write("\n".join(expect) + "\n")


def rc(doc, address):
    return next(r for r in doc["resource_changes"] if r["address"] == address)


def pv(doc, address):
    return next(r for r in doc["planned_values"]["root_module"]["resources"] if r["address"] == address)


def mutate(name, fn, expect=None):
    doc = load()
    fn(doc)
    write(name, doc, expect)


def main():
    text = open(BASE).read()
    write("top-level-array", "[1, 2, 3]\n")
    write("top-level-string", '"plan"\n')
    write("top-level-null", "null\n")
    write("nested-too-deep", "[" * 100000 + "]" * 100000 + "\n")
    write("cut-mid-string", text[: text.index('"instance_types"') + 8])
    write("cut-after-planned-values", text[: text.index('"resource_changes"')])
    write("trailing-garbage", text + "}{\n")
    write("nul-bytes", text[:200] + "\x00\x00" + text[200:])
    mutate("format-version-number", lambda d: d.__setitem__("format_version", 1.2))
    mutate("format-version-99", lambda d: d.__setitem__("format_version", "99.0"), ["format version 99.0"])
    mutate("no-format-version", lambda d: d.pop("format_version"), ["format_version"])
    mutate("resource-changes-object", lambda d: d.__setitem__("resource_changes", {"a": 1}))
    mutate("resource-change-not-object", lambda d: d["resource_changes"].__setitem__(0, "aws_instance.x"))
    mutate("actions-unknown", lambda d: rc(d, "aws_eks_node_group.api")["change"].__setitem__("actions", ["explode"]), ["aws_eks_node_group.api", "unknown actions"])
    mutate("actions-number", lambda d: rc(d, "aws_eks_node_group.api")["change"].__setitem__("actions", 7))
    mutate("change-missing", lambda d: rc(d, "aws_eks_node_group.api").pop("change"))
    mutate("address-missing", lambda d: rc(d, "aws_eks_node_group.api").pop("address"))
    mutate("address-number", lambda d: rc(d, "aws_eks_node_group.api").__setitem__("address", 12))
    mutate("type-null", lambda d: rc(d, "aws_eks_node_group.api").__setitem__("type", None))
    mutate("root-module-string", lambda d: d["planned_values"].__setitem__("root_module", "root"))
    mutate("child-modules-object", lambda d: d["planned_values"]["root_module"].__setitem__("child_modules", {}))
    mutate("planned-resource-not-object", lambda d: d["planned_values"]["root_module"]["resources"].append(42))
    mutate("variables-array", lambda d: d.__setitem__("variables", []))
    mutate("provider-config-string", lambda d: d["configuration"].__setitem__("provider_config", "aws"))
    mutate("expressions-array", lambda d: d["configuration"]["root_module"]["resources"][0].__setitem__("expressions", []))

    def set_value(address, path, value):
        def fn(d):
            for r in (rc(d, address)["change"]["after"], pv(d, address)["values"]):
                target = r
                for step in path[:-1]:
                    target = target[step]
                target[path[-1]] = value
        return fn

    ng = "aws_eks_node_group.api"
    mutate("desired-size-string", set_value(ng, ["scaling_config", 0, "desired_size"], "lots"), [ng, "scaling_config.0.desired_size must be a number"])
    mutate("desired-size-negative", set_value(ng, ["scaling_config", 0, "desired_size"], -3), [ng, "negative"])
    mutate("desired-size-huge", set_value(ng, ["scaling_config", 0, "desired_size"], 1e300), [ng, "10^15"])
    mutate("desired-size-bool", set_value(ng, ["scaling_config", 0, "desired_size"], True), [ng, "must be a number"])
    mutate("disk-size-negative", set_value(ng, ["disk_size"], -50), [ng, "negative"])
    mutate("disk-size-object", set_value(ng, ["disk_size"], {"gb": 50}), [ng, "disk_size must be a number"])
    mutate("instance-types-number", set_value(ng, ["instance_types", 0], 5), [ng, "instance_types.0 must be a string"])
    mutate("capacity-type-list", set_value("aws_eks_node_group.gpu_spot", ["capacity_type"], ["SPOT"]), ["aws_eks_node_group.gpu_spot", "capacity_type must be a string"])
    mutate("launch-template-size-string", set_value("aws_launch_template.workers", ["block_device_mappings", 0, "ebs", 0, "volume_size"], "eighty"), ["volume_size must be a number"])
    mutate("region-number", lambda d: d["configuration"]["provider_config"]["aws"]["expressions"].__setitem__("region", {"constant_value": 1}), ["region"])


if __name__ == "__main__":
    main()
