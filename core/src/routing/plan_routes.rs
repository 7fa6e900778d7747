//! Reading back the part of a plan that `trace` follows: its route tables. A caller holding
//! a plan as JSON (the bindings' `trace(plan, src, dst)`) needs only this part, so the rest
//! of the plan may be trimmed or extended. The JSON is read into the spec reader's document
//! tree and walked here, which costs the browser build a fraction of a typed reader for
//! these structs; a problem is reported with the JSON Pointer of what is wrong.

use super::trace::trace_tables;
use super::{
    Device, Encapsulation, Endpoint, HopTable, PathRole, RouteEntry, RouteOrigin, Trace, Tunnel,
    TunnelEndpoint,
};
use crate::spec::tree::Tree;
use crate::{Code, Diagnostic, SpecError};
use std::net::IpAddr;

/// The route tables of a plan (`routing.tables`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanRoutes {
    tables: Vec<HopTable>,
}

impl PlanRoutes {
    /// Reads the route tables of a plan's JSON, ignoring every other key. Refused
    /// (`spec-invalid`, at the pointer of the first problem) when they are missing or
    /// malformed.
    pub fn from_json(text: &str) -> Result<PlanRoutes, SpecError> {
        let tree: Tree = serde_json::from_str(text).map_err(|e| {
            not_a_plan(Diagnostic::new(
                Code::SpecSyntax,
                "",
                format!("not JSON: {e}"),
            ))
        })?;
        let root = At {
            tree: &tree,
            path: String::new(),
        };
        let tables = root
            .get("routing")
            .and_then(|r| r.get("tables"))
            .and_then(|t| {
                t.items()?
                    .iter()
                    .map(At::table)
                    .collect::<Result<Vec<_>, _>>()
            });
        tables
            .map(|tables| PlanRoutes { tables })
            .map_err(not_a_plan)
    }

    /// The route table of every hop.
    pub fn tables(&self) -> &[HopTable] {
        &self.tables
    }

    /// [`super::trace`] through these tables.
    pub fn trace(&self, src: IpAddr, dst: IpAddr) -> Trace {
        self.trace_endpoints(Endpoint::at(src), Endpoint::at(dst))
    }

    /// [`super::trace_endpoints`] through these tables.
    pub fn trace_endpoints(&self, src: Endpoint, dst: Endpoint) -> Trace {
        trace_tables(&self.tables, src, dst)
    }

    /// [`super::trace_failed`] through these tables: with the devices `failed` down. A
    /// device the tables do not have is refused (`spec-invalid`, at `path`).
    pub fn trace_failed(
        &self,
        src: Endpoint,
        dst: Endpoint,
        failed: &[Device],
        path: &str,
    ) -> Result<Trace, SpecError> {
        let tables = super::failover::checked_tables_after(&self.tables, failed).map_err(|e| {
            let known: Vec<String> = e.known.iter().map(ToString::to_string).collect();
            SpecError::Invalid(vec![
                Diagnostic::new(
                    Code::SpecInvalid,
                    path,
                    format!("{} is not a device of this plan", e.device),
                )
                .hint(format!("name one of {}", known.join(", "))),
            ])
        })?;
        Ok(trace_tables(&tables, src, dst))
    }
}

fn not_a_plan(d: Diagnostic) -> SpecError {
    let message = format!("not a plan: {}", d.message);
    let d = d.with_message(message);
    SpecError::Invalid(vec![d.hint("pass the plan as `plan` returned it")])
}

/// A value in the plan, with its JSON Pointer.
struct At<'t> {
    tree: &'t Tree,
    path: String,
}

impl<'t> At<'t> {
    fn wrong(&self, expected: &str) -> Diagnostic {
        let found = self.tree.kind();
        Diagnostic::new(
            Code::SpecInvalid,
            self.path.clone(),
            format!("expected {expected}, found {found}"),
        )
    }

    fn opt(&self, key: &str) -> Result<Option<At<'t>>, Diagnostic> {
        let Tree::Map(entries) = self.tree else {
            return Err(self.wrong("a mapping"));
        };
        Ok(entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, tree)| At {
                tree,
                path: format!("{}/{key}", self.path),
            }))
    }

    fn get(&self, key: &str) -> Result<At<'t>, Diagnostic> {
        self.opt(key)?.ok_or_else(|| {
            Diagnostic::new(
                Code::SpecInvalid,
                self.path.clone(),
                format!("`{key}` is missing"),
            )
        })
    }

    fn items(&self) -> Result<Vec<At<'t>>, Diagnostic> {
        let Tree::Seq(items) = self.tree else {
            return Err(self.wrong("a list"));
        };
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, tree)| At {
                tree,
                path: format!("{}/{i}", self.path),
            })
            .collect())
    }

    fn text(&self) -> Result<String, Diagnostic> {
        match self.tree {
            Tree::Str(s) => Ok(s.clone()),
            _ => Err(self.wrong("a string")),
        }
    }

    fn device(&self) -> Result<Device, Diagnostic> {
        let text = self.text()?;
        text.parse().map_err(|e: super::NotADevice| {
            Diagnostic::new(Code::SpecInvalid, self.path.clone(), e.to_string())
        })
    }

    fn cidr(&self) -> Result<crate::Cidr, Diagnostic> {
        let text = self.text()?;
        text.parse().map_err(|e: crate::CidrError| {
            Diagnostic::new(Code::SpecInvalid, self.path.clone(), e.describe(&text))
        })
    }

    /// A key that may be absent or null.
    fn present(&self, key: &str) -> Result<Option<At<'t>>, Diagnostic> {
        Ok(self.opt(key)?.filter(|a| *a.tree != Tree::Null))
    }

    fn tunnel(&self) -> Result<Tunnel, Diagnostic> {
        let encapsulation = self.get("encapsulation")?;
        let word = encapsulation.text()?;
        let encapsulation = [Encapsulation::Ipip, Encapsulation::Vxlan]
            .into_iter()
            .find(|e| e.as_str() == word)
            .ok_or_else(|| encapsulation.wrong("ipip or vxlan"))?;
        let endpoints = self
            .get("endpoints")?
            .items()?
            .iter()
            .map(|e| {
                Ok(TunnelEndpoint {
                    device: e.get("device")?.device()?,
                    range: e.get("range")?.cidr()?,
                })
            })
            .collect::<Result<_, Diagnostic>>()?;
        Ok(Tunnel {
            encapsulation,
            endpoints,
        })
    }

    fn table(&self) -> Result<HopTable, Diagnostic> {
        let entries = self.get("entries")?.items()?;
        Ok(HopTable {
            device: self.get("device")?.device()?,
            label: self.get("label")?.text()?,
            entries: entries.iter().map(At::entry).collect::<Result<_, _>>()?,
        })
    }

    fn entry(&self) -> Result<RouteEntry, Diagnostic> {
        let origin = self.get("origin")?;
        let origin_text = origin.text()?;
        let next_device = self
            .present("nextDevice")?
            .map(|d| d.device())
            .transpose()?;
        let tunnel = self.present("tunnel")?.map(|t| t.tunnel()).transpose()?;
        let path = match self.present("path")? {
            None => None,
            Some(at) => {
                let word = at.text()?;
                let role = [PathRole::Ecmp, PathRole::Primary, PathRole::Backup]
                    .into_iter()
                    .find(|r| r.as_str() == word)
                    .ok_or_else(|| at.wrong("ecmp, primary or backup"))?;
                Some(role)
            }
        };
        Ok(RouteEntry {
            destination: self.get("destination")?.cidr()?,
            next_hop: self.get("nextHop")?.text()?,
            origin: RouteOrigin::ALL
                .into_iter()
                .find(|o| o.as_str() == origin_text)
                .ok_or_else(|| origin.wrong("connected, static, bgp, system or propagated"))?,
            next_device,
            tunnel,
            path,
        })
    }
}
