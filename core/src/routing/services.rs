//! Cloud services the DC reaches through the VBR: the region's OSS VIP ranges
//! (`core/data/oss-vip-ranges.tsv`) and the published addresses of Container Registry's VPC
//! endpoint (`core/data/cloud-service-endpoints.tsv`), each file with its source and date.

use crate::cidr::{Cidr, parse_cidr};

const OSS: &str = include_str!("../../data/oss-vip-ranges.tsv");
const ENDPOINTS: &str = include_str!("../../data/cloud-service-endpoints.tsv");

/// The tab-separated fields of a data file's rows; comments and blank lines skipped.
fn rows(table: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    table
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// A prefix of a data file. Every row is tested to read
/// (`every_row_parses_and_lies_in_the_cloud_service_range`), so none is dropped here.
fn cidr(text: &str) -> Option<Cidr> {
    parse_cidr(text).ok()
}

/// The OSS VIP ranges of `region`, or `None` when the table does not know the region.
pub fn oss_vip_ranges(region: &str) -> Option<Vec<Cidr>> {
    let ranges: Vec<Cidr> = rows(OSS)
        .filter(|r| r.first() == Some(&region))
        .filter_map(|r| r.get(1).and_then(|c| cidr(c)))
        .collect();
    (!ranges.is_empty()).then_some(ranges)
}

/// Regions the OSS table knows, in file order.
pub fn oss_regions() -> Vec<&'static str> {
    let mut out: Vec<&str> = rows(OSS).filter_map(|r| r.first().copied()).collect();
    out.dedup();
    out
}

/// The domain of Container Registry's VPC endpoint in `region`.
pub fn registry_domain(region: &str) -> String {
    format!("registry-vpc.{region}.aliyuncs.com")
}

/// The published addresses of Container Registry's VPC endpoint in `region` (may be none).
pub fn registry_addresses(region: &str) -> Vec<Cidr> {
    rows(ENDPOINTS)
        .filter(|r| r.first() == Some(&region) && r.get(1) == Some(&"container-registry"))
        .filter_map(|r| r.get(3).and_then(|c| cidr(c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses_and_lies_in_the_cloud_service_range() {
        let cgnat = crate::facts::CLOUD_SERVICES_V4;
        for (table, columns, cidr_at) in [(OSS, 2, 1), (ENDPOINTS, 4, 3)] {
            for row in rows(table) {
                assert_eq!(row.len(), columns, "{row:?}");
                let cidr = cidr(row[cidr_at]).unwrap_or_else(|| panic!("{row:?}"));
                assert!(cgnat.contains(&cidr), "{row:?}");
            }
        }
        assert_eq!(oss_vip_ranges("cn-hangzhou").unwrap().len(), 4);
        assert_eq!(oss_vip_ranges("cn-beijing").unwrap().len(), 6);
        assert_eq!(oss_vip_ranges("eu-west-1").unwrap().len(), 1);
        assert_eq!(oss_vip_ranges("xx-nowhere-1"), None);
        assert_eq!(
            oss_regions()[..4],
            ["cn-hangzhou", "cn-shanghai", "cn-qingdao", "cn-beijing"]
        );
        assert_eq!(registry_addresses("cn-hangzhou").len(), 2);
        assert!(registry_addresses("cn-shanghai").is_empty());
    }
}
