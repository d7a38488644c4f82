//! Terraform addresses: splitting `module.a[0].module.b["k"].aws_x.y[1]` into its parts.

/// Splits an address into its dot-separated steps, keeping bracketed keys (which may contain
/// dots and quotes) with their step.
pub fn steps(address: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in address.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '[' if !in_string => depth += 1,
            ']' if !in_string => depth = depth.saturating_sub(1),
            '.' if !in_string && depth == 0 => {
                out.push(&address[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&address[start..]);
    out
}

/// A step without its instance key: `b["k"]` → `b`.
pub fn without_key(step: &str) -> &str {
    step.split_once('[').map_or(step, |(name, _)| name)
}

/// The module names of a module address, keys dropped: `module.a[0].module.b` → `[a, b]`.
pub fn module_names(module_address: &str) -> Vec<String> {
    if module_address.is_empty() {
        return Vec::new();
    }
    let steps = steps(module_address);
    steps
        .chunks(2)
        .filter(|pair| pair.len() == 2 && pair[0] == "module")
        .map(|pair| without_key(pair[1]).to_string())
        .collect()
}

/// The instance key of a resource address (`[0]`, `["a"]`), if any. Called for every address
/// of a plan, so it walks the address once without collecting its steps.
pub fn instance_key(address: &str) -> Option<&str> {
    let mut last_step = 0;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    // Bytes, not chars: every byte that matters is ASCII, and no byte of a multi-byte
    // character is. Most bytes matter not at all, and a table says so in one look.
    const MATTERS: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 5 {
            t[b"\"[].\\"[i] as usize] = true;
            i += 1;
        }
        t
    };
    for (i, b) in address.bytes().enumerate() {
        if !MATTERS[b as usize] && !escaped {
            continue;
        }
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'[' if !in_string => depth += 1,
            b']' if !in_string => depth = depth.saturating_sub(1),
            b'.' if !in_string && depth == 0 => last_step = i + 1,
            _ => {}
        }
    }
    let last = &address[last_step..];
    last.find('[').map(|i| &last[i..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_addresses_with_quoted_keys() {
        assert_eq!(
            steps(r#"module.a[0].module.b["x.y"].aws_instance.web[1]"#),
            vec![
                "module",
                "a[0]",
                "module",
                r#"b["x.y"]"#,
                "aws_instance",
                "web[1]"
            ]
        );
        assert_eq!(
            module_names(r#"module.a[0].module.b["x.y"]"#),
            vec!["a", "b"]
        );
        assert_eq!(instance_key("aws_instance.web[1]"), Some("[1]"));
        assert_eq!(instance_key("aws_instance.web"), None);
        assert_eq!(
            instance_key(r#"module.a["x.y"].aws_instance.web["k.[\"]"]"#),
            Some(r#"["k.[\"]"]"#)
        );
        assert_eq!(instance_key(r#"module.a["x.y"].aws_instance.web"#), None);
    }
}
