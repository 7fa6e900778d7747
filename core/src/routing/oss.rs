//! The OSS internal VIP ranges of each region, from `core/data/oss-vip-ranges.tsv`.

use crate::cidr::Cidr;

const TABLE: &str = include_str!("../../data/oss-vip-ranges.tsv");

/// Every region's ranges, in file order; comments and blank lines skipped.
fn rows() -> impl Iterator<Item = (&'static str, Option<Cidr>)> {
    TABLE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(region, cidr)| (region.trim(), Cidr::from_table(cidr.trim())))
}

/// The OSS VIP ranges of `region`, or `None` when the table does not know the region.
pub fn vip_ranges(region: &str) -> Option<Vec<Cidr>> {
    let ranges: Vec<Cidr> = rows()
        .filter(|(r, _)| *r == region)
        .filter_map(|(_, c)| c)
        .collect();
    (!ranges.is_empty()).then_some(ranges)
}

/// Regions the table knows.
pub fn regions() -> Vec<&'static str> {
    let mut out: Vec<&str> = rows().map(|(r, _)| r).collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses_and_lies_in_the_cloud_service_range() {
        let cgnat: Cidr = Cidr::from_table("100.64.0.0/10").unwrap();
        for (region, cidr) in rows() {
            let cidr = cidr.unwrap_or_else(|| panic!("bad row for {region}"));
            assert!(cgnat.contains(&cidr), "{region} {cidr}");
        }
        assert_eq!(vip_ranges("cn-hangzhou").unwrap().len(), 4);
        assert_eq!(vip_ranges("cn-beijing").unwrap().len(), 6);
        assert_eq!(vip_ranges("eu-central-1"), None);
        assert_eq!(
            regions(),
            ["cn-hangzhou", "cn-shanghai", "cn-qingdao", "cn-beijing"]
        );
    }
}
