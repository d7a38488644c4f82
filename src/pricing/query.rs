//! Price queries: what a cost component asks of the price book.
//!
//! A query names a service and region and matches products by exact attribute values. AWS puts a
//! region prefix on some usage types in some regions (`USE1-AmazonEKS-Hours:perCluster`,
//! `EU-EBS:VolumeUsage.gp2`) and not in others (`BoxUsage:t3.large` in us-east-1), so a query can
//! match a value "with or without a region prefix" instead of hard-coding every region's prefix.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttrMatch {
    Exact(String),
    /// The value itself, or the value behind a region prefix such as `USE1-` or `EU-`.
    RegionPrefixed(String),
}

impl AttrMatch {
    pub fn matches(&self, actual: &str) -> bool {
        match self {
            AttrMatch::Exact(want) => actual == want,
            AttrMatch::RegionPrefixed(want) => {
                actual == want
                    || actual
                        .strip_suffix(want.as_str())
                        .and_then(|prefix| prefix.strip_suffix('-'))
                        .is_some_and(is_region_prefix)
            }
        }
    }
}

/// AWS's region prefixes: two to four capitals and optional digits (`EU`, `USE1`, `APN1`, `UGW1`).
fn is_region_prefix(prefix: &str) -> bool {
    let letters = prefix.bytes().take_while(u8::is_ascii_uppercase).count();
    (2..=4).contains(&letters) && prefix.bytes().skip(letters).all(|b| b.is_ascii_digit())
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PriceQuery {
    /// AWS offer code, e.g. `AmazonEC2`.
    pub service: String,
    pub region: String,
    pub product_family: Option<String>,
    pub attributes: Vec<(String, AttrMatch)>,
    /// Keeps only price dimensions in this unit (a product may list several).
    pub unit: Option<String>,
}

impl PriceQuery {
    pub fn new(service: &str, region: &str) -> Self {
        PriceQuery {
            service: service.to_string(),
            region: region.to_string(),
            product_family: None,
            attributes: Vec::new(),
            unit: None,
        }
    }

    pub fn family(mut self, family: &str) -> Self {
        self.product_family = Some(family.to_string());
        self
    }

    pub fn attr(mut self, name: &str, value: &str) -> Self {
        self.attributes
            .push((name.to_string(), AttrMatch::Exact(value.to_string())));
        self
    }

    /// Matches a usage type with or without its region prefix.
    pub fn usage_type(mut self, value: &str) -> Self {
        self.attributes.push((
            "usagetype".to_string(),
            AttrMatch::RegionPrefixed(value.to_string()),
        ));
        self
    }

    pub fn unit(mut self, unit: &str) -> Self {
        self.unit = Some(unit.to_string());
        self
    }
}

impl fmt::Display for PriceQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.service, self.region)?;
        if let Some(family) = &self.product_family {
            write!(f, " family={family:?}")?;
        }
        for (name, m) in &self.attributes {
            match m {
                AttrMatch::Exact(v) => write!(f, " {name}={v:?}")?,
                AttrMatch::RegionPrefixed(v) => write!(f, " {name}=*{v:?}")?,
            }
        }
        if let Some(unit) = &self.unit {
            write!(f, " unit={unit:?}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_prefixed_usage_types_match_with_and_without_prefix() {
        let m = AttrMatch::RegionPrefixed("AmazonEKS-Hours:perCluster".into());
        assert!(m.matches("AmazonEKS-Hours:perCluster"));
        assert!(m.matches("USE1-AmazonEKS-Hours:perCluster"));
        assert!(m.matches("EU-AmazonEKS-Hours:perCluster"));
        assert!(m.matches("APN1-AmazonEKS-Hours:perCluster"));
        // Outposts rows carry a second word in the prefix: a different product.
        let lcu = AttrMatch::RegionPrefixed("LCUUsage".into());
        assert!(!lcu.matches("EU-Outposts-LCUUsage"));
        assert!(!lcu.matches("XLCUUsage"));
        assert!(!lcu.matches("eu-LCUUsage"));
    }
}
