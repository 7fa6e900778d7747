//! Diagnostics: every problem the planner finds, each with a stable code, a severity, the
//! JSON Pointer of the offending spec field and, where two fields clash, the other ones.

use serde::{Deserialize, Serialize};
use std::fmt::{self, Write};

/// `text` in double quotes for a message, with `"`, `\\` and every character outside
/// printable ASCII escaped (`\n`, `\u202E`), so that no value can hide or reorder the
/// message around it. (Rust's `{:?}` does the same for control characters but needs the
/// Unicode tables of what is printable, which the browser build would carry.)
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    write_quoted(&mut out, text, |c| matches!(c, ' '..='~'));
    out
}

/// `text` with the escapes of [`quoted`] but without the quotes: printable ASCII only,
/// and reversible, for a value that must be kept but may not be trusted.
pub(crate) fn escaped(text: &str) -> String {
    let q = quoted(text);
    q[1..q.len() - 1].to_owned()
}

/// Writes `text` double-quoted with the escapes JSON and YAML share (`\"`, `\\`, `\n`,
/// `\t`, `\r`, `\uXXXX`, and YAML's `\UXXXXXXXX` past the first plane), keeping as they
/// are the characters `verbatim` accepts.
pub(crate) fn write_quoted(out: &mut String, text: &str, verbatim: impl Fn(char) -> bool) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if verbatim(c) => out.push(c),
            c if u32::from(c) <= 0xffff => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => {
                let _ = write!(out, "\\U{:08X}", u32::from(c));
            }
        }
    }
    out.push('"');
}

/// Stable diagnostic codes (docs/diagnostics.md). New codes may be added; none is ever
/// renamed. Each code has one severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Code {
    /// Not a valid address or CIDR.
    ///
    /// Emitted while reading a spec
    /// ([`HybridCluster::from_text`](crate::HybridCluster::from_text), module
    /// `spec::decode`), as [`CidrError::code`](crate::CidrError::code) maps a parse error.
    CidrSyntax,
    /// Host bits set (`10.1.2.3/16`).
    ///
    /// Emitted while reading a spec (module `spec::decode`; the value is read all the same,
    /// at its network address), as [`CidrError::code`](crate::CidrError::code) maps a parse
    /// error.
    CidrHostBits,
    /// An IPv6 value written in a non-canonical spelling; accepted and normalised (RFC 5952).
    ///
    /// Emitted while reading a spec (module `spec::decode`).
    CidrNormalized,
    /// Two ranges that must be disjoint overlap.
    ///
    /// Emitted by `rules::ranges`.
    CidrOverlap,
    /// Overlaps a reserved range (loopback, link-local, multicast, CGNAT, …).
    ///
    /// Emitted by `rules::ranges`.
    ReservedRange,
    /// DC range in the wider range some cloud services use, outside their main range.
    ///
    /// Emitted by `rules::ranges`.
    CloudServiceRange,
    /// VPC CIDR outside the private blocks or with a mask outside /8../24.
    ///
    /// Emitted by `rules::ranges`.
    VpcCidrInvalid,
    /// vSwitch not inside the VPC.
    ///
    /// Emitted by `rules::ranges`.
    VswitchOutsideVpc,
    /// vSwitch mask outside /16../29 (IPv6: not /64).
    ///
    /// Emitted by `rules::ranges`.
    VswitchMask,
    /// A DC range equals or sits inside a vSwitch: a VPC route cannot point there.
    ///
    /// Emitted by `rules::ranges`.
    RouteInsideVswitch,
    /// DC pod range inside the VPC CIDR but in no vSwitch.
    ///
    /// Emitted by `rules::ranges`.
    PodCidrInVpc,
    /// DC node or peering range inside the VPC CIDR but in no vSwitch.
    ///
    /// Emitted by `rules::ranges`.
    DcRangeInVpc,
    /// DC pod range cannot hold maxNodes × the addresses each node takes.
    ///
    /// Emitted by the address budget (module `addressing`).
    PodCidrCapacity,
    /// Pod vSwitches of a zone hold fewer usable IPs than the cloud pods planned there.
    ///
    /// Emitted by the address budget (module `addressing`).
    VswitchCapacity,
    /// The ENIs of the instance type allow too few pods for a node to join.
    ///
    /// Emitted by the address budget (module `addressing`).
    TerwayPodsPerNode,
    /// cloud.maxPodsPerNode asks for more pods than the ENIs of the instance type allow.
    ///
    /// Emitted by the address budget (module `addressing`).
    TerwayPodsLimit,
    /// More security groups than Terway accepts.
    ///
    /// Emitted by `rules` (the cluster's groups) and `terway` (a node pool's).
    SecurityGroupLimit,
    /// Calico block size out of range or larger than the pool.
    ///
    /// Emitted by the address budget (module `addressing`).
    CalicoBlockSize,
    /// Full BGP mesh with more than 100 nodes.
    ///
    /// Emitted by the mode selection (module `mode`).
    MeshTooLarge,
    /// Fewer than two route reflectors: one failure cuts the DC pods off.
    ///
    /// Emitted by the mode selection (module `mode`).
    RouteReflectorRedundancy,
    /// More than 110 prefixes would be advertised to one VBR BGP peer.
    ///
    /// Emitted by `routing::limits`.
    VbrRouteLimit,
    /// The VPC route table would hold more than 200 custom entries.
    ///
    /// Emitted by `routing::limits`.
    VpcRouteLimit,
    /// No OSS VIP ranges are known for the region; the whole cloud-service range is routed instead.
    ///
    /// Emitted by `routing::topology`.
    OssRegionUnknown,
    /// A dual-stack DC without an IPv6 node range or an edge router without an IPv6
    /// address: IPv6 pod routes have no path between the DC and the cloud.
    ///
    /// Emitted by `rules::family`.
    DcIpv6Missing,
    /// AS number out of range, reserved, or equal across an eBGP session.
    ///
    /// Emitted by `rules::bgp`.
    AsnInvalid,
    /// VBR gateway IPs or VLAN invalid.
    ///
    /// Emitted by `rules::bgp`.
    VbrGateway,
    /// The requested mode contradicts the size/performance rules.
    ///
    /// Emitted by the mode selection (module `mode`).
    ModeMismatch,
    /// A field the selected mode does not use: it has no effect on the plan.
    ///
    /// Emitted by `mode::unused`.
    FieldUnused,
    /// An Alibaba Cloud id, region or zone of the wrong shape (`vsw-…`, `cn-hangzhou-h`).
    ///
    /// Emitted while reading a spec (module `spec::decode`; the value is read all the same).
    CloudIdInvalid,
    /// A name that goes into Kubernetes objects is not a valid Kubernetes name.
    ///
    /// Emitted while reading a spec (module `spec`; the value is read all the same).
    KubernetesNameInvalid,
    /// Terway forced onto the ECS nodes beside an overlay DC: DC pods become unreachable
    /// from cloud pods.
    ///
    /// Emitted by the mode selection (module `mode`).
    TerwayBesideOverlay,
    /// Pod vSwitches given where no Terway runs: they are not used.
    ///
    /// Emitted by `mode::unused`.
    VswitchUnused,
    /// The spec does not say which CNI release runs (`onPrem.cni`): a default install is assumed.
    ///
    /// Emitted by `installed`, which resolves the CNI that runs.
    CniAssumed,
    /// The CNI release that runs is older than the plan supports, or not a release of that CNI.
    ///
    /// Emitted by `installed`.
    CniVersionUnsupported,
    /// The CNI release that runs is newer than the newest the plan was checked against.
    ///
    /// Emitted by `installed`.
    CniVersionNewer,
    /// The CNI is installed in a way the plan cannot change (Cilium by manifests, Flannel by the operator).
    ///
    /// Emitted by `installed`.
    CniInstallUnsupported,
    /// The cluster runs another CNI than the selected mode needs.
    ///
    /// Emitted by `installed`.
    CniMismatch,
    /// An existing IP pool cannot take the planned change in place (CIDR or block size): Calico's migration restarts its pods.
    ///
    /// Emitted by `installed::pools`.
    PoolMigration,
    /// A planned IP pool overlaps an existing pool without being the same range: Calico refuses it.
    ///
    /// Emitted by `installed::pools`.
    PoolConflict,
    /// Route reflectors cannot keep the next hop toward an edge router in the DC's own AS before Calico 3.30.2.
    ///
    /// Emitted by `installed`.
    NextHopSelf,
    /// A node pool names a pod vSwitch that no zone has.
    ///
    /// Emitted by `terway`.
    VswitchUnknown,
    /// The transit router's VPC connection has vSwitches in fewer than two zones.
    ///
    /// Emitted by `rules`.
    TransitRouterZones,
    /// A VBR's `edgeRouter` is not the `ip` of any `onPrem.edgeRouters` entry.
    ///
    /// Emitted by `rules::bgp`.
    VbrEdgeUnknown,
    /// Two circuits end on the same DC edge router: it fails both at once.
    ///
    /// Emitted by `rules::bgp`.
    VbrSameEdge,
    /// A circuit of a redundant interconnect runs BGP without BFD: a failure is found
    /// only when the hold time expires.
    ///
    /// Emitted by `rules::bgp`.
    FailoverWithoutBfd,
    /// The cluster's objects (`import`, `diff`) are not `kubectl … -o json` output.
    ///
    /// Emitted by [`import`](crate::import()) and [`diff`](crate::diff()) (module `live`).
    LiveUnreadable,
    /// Structural problem: unknown key, wrong type, missing field, value out of range.
    ///
    /// Emitted while reading a spec
    /// ([`HybridCluster::from_text`](crate::HybridCluster::from_text), modules
    /// `spec::decode` and `spec::limits`), by `rules` and `rules::family` for values no
    /// plan can use, and by
    /// [`PlanRoutes::from_json`](crate::routing::PlanRoutes::from_json) for a plan it
    /// cannot read.
    SpecInvalid,
    /// The text is not JSON or YAML at all.
    ///
    /// Emitted while reading a spec
    /// ([`HybridCluster::from_text`](crate::HybridCluster::from_text), module `spec::tree`)
    /// and by [`PlanRoutes::from_json`](crate::routing::PlanRoutes::from_json).
    SpecSyntax,
}

/// The enum is `non_exhaustive`: matches need a wildcard arm, so that a new code is not a
/// breaking change. Diagnostics reach the caller through [`validate`](crate::validate) and
/// [`plan`](crate::plan), or in a [`SpecError`](crate::SpecError) when a spec cannot be read;
/// each code's documentation names where it is found.
impl Code {
    /// Every code, in declaration order.
    pub const ALL: [Code; 48] = [
        Code::CidrSyntax,
        Code::CidrHostBits,
        Code::CidrNormalized,
        Code::CidrOverlap,
        Code::ReservedRange,
        Code::CloudServiceRange,
        Code::VpcCidrInvalid,
        Code::VswitchOutsideVpc,
        Code::VswitchMask,
        Code::RouteInsideVswitch,
        Code::PodCidrInVpc,
        Code::DcRangeInVpc,
        Code::PodCidrCapacity,
        Code::VswitchCapacity,
        Code::TerwayPodsPerNode,
        Code::TerwayPodsLimit,
        Code::SecurityGroupLimit,
        Code::CalicoBlockSize,
        Code::MeshTooLarge,
        Code::RouteReflectorRedundancy,
        Code::VbrRouteLimit,
        Code::VpcRouteLimit,
        Code::OssRegionUnknown,
        Code::DcIpv6Missing,
        Code::AsnInvalid,
        Code::VbrGateway,
        Code::ModeMismatch,
        Code::FieldUnused,
        Code::CloudIdInvalid,
        Code::KubernetesNameInvalid,
        Code::TerwayBesideOverlay,
        Code::VswitchUnused,
        Code::CniAssumed,
        Code::CniVersionUnsupported,
        Code::CniVersionNewer,
        Code::CniInstallUnsupported,
        Code::CniMismatch,
        Code::PoolMigration,
        Code::PoolConflict,
        Code::NextHopSelf,
        Code::VswitchUnknown,
        Code::TransitRouterZones,
        Code::VbrEdgeUnknown,
        Code::VbrSameEdge,
        Code::FailoverWithoutBfd,
        Code::LiveUnreadable,
        Code::SpecInvalid,
        Code::SpecSyntax,
    ];

    /// The severity every diagnostic of this code carries.
    pub const fn severity(self) -> Severity {
        match self {
            Code::CidrNormalized | Code::VswitchUnused | Code::CniAssumed => Severity::Info,
            Code::CloudServiceRange
            | Code::PodCidrInVpc
            | Code::DcRangeInVpc
            | Code::TerwayPodsLimit
            | Code::MeshTooLarge
            | Code::RouteReflectorRedundancy
            | Code::VpcRouteLimit
            | Code::OssRegionUnknown
            | Code::DcIpv6Missing
            | Code::ModeMismatch
            | Code::FieldUnused
            | Code::CniVersionNewer
            | Code::PoolMigration
            | Code::NextHopSelf
            | Code::TransitRouterZones
            | Code::VbrSameEdge
            | Code::FailoverWithoutBfd => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The code as written in plans (`cidr-overlap`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::CidrSyntax => "cidr-syntax",
            Code::CidrHostBits => "cidr-host-bits",
            Code::CidrNormalized => "cidr-normalized",
            Code::CidrOverlap => "cidr-overlap",
            Code::ReservedRange => "reserved-range",
            Code::CloudServiceRange => "cloud-service-range",
            Code::VpcCidrInvalid => "vpc-cidr-invalid",
            Code::VswitchOutsideVpc => "vswitch-outside-vpc",
            Code::VswitchMask => "vswitch-mask",
            Code::RouteInsideVswitch => "route-inside-vswitch",
            Code::PodCidrInVpc => "pod-cidr-in-vpc",
            Code::DcRangeInVpc => "dc-range-in-vpc",
            Code::PodCidrCapacity => "pod-cidr-capacity",
            Code::VswitchCapacity => "vswitch-capacity",
            Code::TerwayPodsPerNode => "terway-pods-per-node",
            Code::TerwayPodsLimit => "terway-pods-limit",
            Code::SecurityGroupLimit => "security-group-limit",
            Code::CalicoBlockSize => "calico-block-size",
            Code::MeshTooLarge => "mesh-too-large",
            Code::RouteReflectorRedundancy => "route-reflector-redundancy",
            Code::VbrRouteLimit => "vbr-route-limit",
            Code::VpcRouteLimit => "vpc-route-limit",
            Code::OssRegionUnknown => "oss-region-unknown",
            Code::DcIpv6Missing => "dc-ipv6-missing",
            Code::AsnInvalid => "asn-invalid",
            Code::VbrGateway => "vbr-gateway",
            Code::ModeMismatch => "mode-mismatch",
            Code::FieldUnused => "field-unused",
            Code::CloudIdInvalid => "cloud-id-invalid",
            Code::KubernetesNameInvalid => "kubernetes-name-invalid",
            Code::TerwayBesideOverlay => "terway-beside-overlay",
            Code::VswitchUnused => "vswitch-unused",
            Code::CniAssumed => "cni-assumed",
            Code::CniVersionUnsupported => "cni-version-unsupported",
            Code::CniVersionNewer => "cni-version-newer",
            Code::CniInstallUnsupported => "cni-install-unsupported",
            Code::CniMismatch => "cni-mismatch",
            Code::PoolMigration => "pool-migration",
            Code::PoolConflict => "pool-conflict",
            Code::NextHopSelf => "next-hop-self",
            Code::VswitchUnknown => "vswitch-unknown",
            Code::TransitRouterZones => "transit-router-zones",
            Code::VbrEdgeUnknown => "vbr-edge-unknown",
            Code::VbrSameEdge => "vbr-same-edge",
            Code::FailoverWithoutBfd => "failover-without-bfd",
            Code::LiveUnreadable => "live-unreadable",
            Code::SpecInvalid => "spec-invalid",
            Code::SpecSyntax => "spec-syntax",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// How bad a diagnostic is. Each code has one severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The plan cannot be applied as it is: no manifests are written.
    Error,
    /// The plan works but something deserves a look.
    Warning,
    /// For information: a value was normalised or assumed.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` so that width and alignment flags (`{:<7}`) apply.
        f.pad(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// One problem found in a spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// The stable code: what kind of problem.
    code: Code,
    /// How bad it is: always the severity of its code.
    severity: Severity,
    /// What is wrong, in words.
    pub message: String,
    /// JSON Pointer of the offending field (`/onPrem/podCidr`); empty for the whole spec.
    pub path: String,
    /// JSON Pointers of the other fields involved (an overlap names both sides).
    pub related: Vec<String>,
    /// What to do about it, where the planner can tell.
    pub hint: Option<String>,
}

/// A diagnostic as written in a plan, before its severity is checked against its code.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DiagnosticFields {
    code: Code,
    severity: Severity,
    message: String,
    path: String,
    related: Vec<String>,
    hint: Option<String>,
}

/// Refuses a severity other than the code's: a diagnostic read back is one
/// [`Diagnostic::new`] could have made.
impl<'de> Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Diagnostic, D::Error> {
        let f = DiagnosticFields::deserialize(d)?;
        if f.severity != f.code.severity() {
            return Err(serde::de::Error::custom(format!(
                "a {} diagnostic has severity {}, not {}",
                f.code,
                f.code.severity(),
                f.severity
            )));
        }
        Ok(Diagnostic {
            related: f.related,
            hint: f.hint,
            ..Diagnostic::new(f.code, f.path, f.message)
        })
    }
}

impl Diagnostic {
    /// A diagnostic of `code` at the JSON Pointer `path`, with the code's severity: the
    /// only way to make one, so that its severity and its code never disagree.
    ///
    /// ```
    /// use hybridplan::{Code, Diagnostic, Severity};
    /// let d = Diagnostic::new(Code::CidrOverlap, "/onPrem/podCidr", "overlaps the VPC")
    ///     .related("/cloud/vpcCidr");
    /// assert_eq!(d.severity(), Severity::Error);
    /// assert_eq!(d.to_string(), "error cidr-overlap at /onPrem/podCidr: overlaps the VPC");
    /// ```
    pub fn new(code: Code, path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            path: path.into(),
            related: Vec::new(),
            hint: None,
        }
    }

    /// The stable code: what kind of problem.
    pub fn code(&self) -> Code {
        self.code
    }

    /// How bad it is: the code's [`Code::severity`].
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The same diagnostic with `message` instead.
    pub fn with_message(self, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            ..self
        }
    }

    /// Adds the JSON Pointer of another field involved.
    pub fn related(mut self, path: impl Into<String>) -> Diagnostic {
        self.related.push(path.into());
        self
    }

    /// Sets what to do about it.
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Whether its severity is [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(
            f,
            "{} {} at {}: {}",
            self.severity, self.code, at, self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Escapes one JSON Pointer reference token (RFC 6901).
pub fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_cannot_hide_or_reorder_a_message() {
        assert_eq!(quoted("vsw-1"), "\"vsw-1\"");
        assert_eq!(
            quoted("a\"b\\c\nd\u{0}e\u{202e}f é"),
            r#""a\"b\\c\nd\u0000e\u202Ef \u00E9""#
        );
    }

    #[test]
    fn codes_serialise_as_their_stable_names() {
        for code in Code::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: Code = serde_json::from_str(&json).unwrap();
            assert_eq!(back, code);
        }
    }

    #[test]
    fn severities_follow_the_spec_table() {
        assert_eq!(Code::PodCidrInVpc.severity(), Severity::Warning);
        assert_eq!(Code::CloudServiceRange.severity(), Severity::Warning);
        assert_eq!(Code::MeshTooLarge.severity(), Severity::Warning);
        assert_eq!(Code::ModeMismatch.severity(), Severity::Warning);
        assert_eq!(Code::CidrOverlap.severity(), Severity::Error);
        assert_eq!(Code::VbrRouteLimit.severity(), Severity::Error);
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(pointer_token("a/b~c"), "a~1b~0c");
    }
}
