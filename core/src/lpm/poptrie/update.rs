//! A route's insertion or removal, applied to the trie where it changes it.
//!
//! The Poptrie paper (Asai & Ohara, SIGCOMM 2015, section 3.4) updates a table by building
//! the changed subtree anew and swapping it in. Here less is rebuilt: a change walks down
//! the route's path, and only a node whose own children change is written again, in its
//! own slot, so that its parent is untouched unless the parent's children change too (a
//! leaf becoming a node, or a node whose children all came to answer alike becoming a
//! leaf). A change thus costs a few node rewrites however large the table, and a prefix
//! covering many nodes (a short one) costs what it covers.
//!
//! A node's leaves, and its child nodes, are each one block of consecutive slots. A
//! rewritten node takes new blocks, and its old ones are kept on free lists by size, from
//! which later blocks of that size are taken: the arrays do not grow with the number of
//! updates, only with the table. Blocks are freed only when the change is complete, so
//! that every leaf and node read while it is applied stays as it was.

use super::{FANOUT, Key, LEAF, NO_ROUTE, Node, Poptrie, STRIDE};

/// In a list of children, the leaf of the route being painted (`Paint::target`), written
/// into each block that takes it.
const TARGET: u32 = u32::MAX;
const _: () = assert!(TARGET & LEAF != 0);

/// A change to the routes: what is painted over the region of the route `key/len`.
pub(crate) struct Paint<'a, K, V> {
    pub key: K,
    pub len: u8,
    /// Insertion: the leaves of the region answered by a route of this length or shorter,
    /// or by none, take the route. Removal: the leaves answered by the route take `target`.
    pub insert: bool,
    /// What those leaves answer with: the inserted route, or for a removal the longest
    /// route left that covers the removed one; `None` for no route.
    pub target: Option<(K, u8, &'a V)>,
}

impl<K: Key, V> Paint<'_, K, V> {
    /// Whether a leaf answered by a route of length `old` (`None`: no route) in the region
    /// takes the target.
    fn replaces(&self, old: Option<u8>) -> bool {
        if self.insert {
            old.is_none_or(|l| l <= self.len)
        } else {
            old == Some(self.len)
        }
    }
}

/// What became of a node a change went through.
enum Outcome {
    /// Still a node, in the same slot (rewritten there or not).
    Node,
    /// All its children now answer alike and it has no child nodes: the parent takes this
    /// leaf instead (`NO_ROUTE`, `TARGET`, or a leaf valid until the change is complete).
    Leaf(u32),
}

/// Blocks freed by a change, returned to the free lists when it is complete.
#[derive(Clone, Debug, Default)]
pub(super) struct Freed {
    leaves: Vec<(u32, u32)>,
    nodes: Vec<(u32, u32)>,
}

/// Free blocks by size (1 to 64 slots): leaf blocks by their first leaf index (from 1),
/// node blocks by their first node index.
#[derive(Clone, Debug, Default)]
pub(super) struct FreeLists {
    leaves: Vec<Vec<u32>>,
    nodes: Vec<Vec<u32>>,
    /// Slots on the lists.
    slots: usize,
}

impl FreeLists {
    fn take(lists: &mut [Vec<u32>], size: usize) -> Option<u32> {
        lists.get_mut(size)?.pop()
    }

    fn give(lists: &mut Vec<Vec<u32>>, size: u32, first: u32) {
        if lists.len() <= size as usize {
            lists.resize_with(size as usize + 1, Vec::new);
        }
        lists[size as usize].push(first);
    }

    /// Slots on the lists: space held but unused.
    pub fn slots(&self) -> usize {
        self.slots
    }
}

impl<V: Clone> Poptrie<V> {
    /// Applies a change of the routes (the caller's route store already holds it).
    pub fn paint<K: Key>(&mut self, p: &Paint<K, V>) {
        // The lists of a change's freed blocks are kept between changes: no allocation
        // per change.
        let mut freed = std::mem::take(&mut self.freed);
        let bits = self.bits;
        // The direct level's leaf for the target, made when first needed.
        let mut target_leaf = None;
        let len = u32::from(p.len);
        if len <= bits {
            let start = p.key.top(bits);
            let mut previous = None;
            for d in start..start + (1 << (bits - len)) {
                let e = self.direct[d];
                let next = if e & LEAF != 0 {
                    let old = e & !LEAF;
                    if !p.replaces(self.leaf_len(old, p)) {
                        continue;
                    }
                    // Neighbouring entries share a leaf: count each one once.
                    if old != NO_ROUTE && previous != Some(old) {
                        self.garbage += 1;
                    }
                    previous = Some(old);
                    TARGET
                } else {
                    match self.paint_node(e, K::at(d, 0, bits), bits, p, &mut freed) {
                        Outcome::Node => continue,
                        Outcome::Leaf(leaf) => {
                            freed.nodes.push((e, 1));
                            leaf
                        }
                    }
                };
                self.direct[d] = LEAF | self.direct_leaf(next, p, &mut target_leaf);
            }
        } else {
            let d = p.key.top(bits);
            let e = self.direct[d];
            let key = p.key.masked(bits);
            let outcome = if e & LEAF == 0 {
                let outcome = self.paint_node(e, key, bits, p, &mut freed);
                if let Outcome::Leaf(_) = outcome {
                    freed.nodes.push((e, 1));
                }
                outcome
            } else if p.insert {
                // A leaf's region takes a node: one whose children all answer as the leaf
                // did, then painted. The entry's leaf is abandoned (the node's are copies).
                if e & !LEAF != NO_ROUTE {
                    self.garbage += 1;
                }
                let mut children = [e; FANOUT];
                self.paint_children(&mut children, key, bits, p, &mut freed);
                match self.encode(&children, key, bits, None, p, &mut freed) {
                    Some(node) => {
                        let index = self.alloc_nodes(&[node]);
                        self.direct[d] = index;
                        self.check_node(index);
                        Outcome::Node
                    }
                    None => Outcome::Leaf(children[0] & !LEAF),
                }
            } else {
                Outcome::Node
            };
            if let Outcome::Leaf(leaf) = outcome {
                self.direct[d] = LEAF | self.direct_leaf(leaf, p, &mut target_leaf);
            }
        }
        for (first, size) in freed.leaves.drain(..) {
            FreeLists::give(&mut self.free.leaves, size, first);
            self.free.slots += size as usize;
        }
        for (first, size) in freed.nodes.drain(..) {
            FreeLists::give(&mut self.free.nodes, size, first);
            self.free.slots += size as usize;
        }
        self.freed = freed;
    }

    /// The length of the route answering at leaf `leaf` (`None`: no route).
    fn leaf_len<K>(&self, leaf: u32, p: &Paint<K, V>) -> Option<u8> {
        match leaf {
            NO_ROUTE => None,
            l if l == TARGET & !LEAF => p.target.as_ref().map(|t| t.1),
            l => Some(self.lens[l as usize - 1]),
        }
    }

    /// A leaf of the direct level answering as `leaf` does: a copy of its own, as the
    /// block `leaf` is in may be freed; for the target, one leaf shared by every entry.
    fn direct_leaf<K>(&mut self, leaf: u32, p: &Paint<K, V>, target: &mut Option<u32>) -> u32 {
        let leaf = leaf & !LEAF;
        if leaf == NO_ROUTE {
            return NO_ROUTE;
        }
        if leaf == TARGET & !LEAF {
            let Some((_, len, value)) = p.target else {
                return NO_ROUTE;
            };
            return *target.get_or_insert_with(|| {
                self.values.push(value.clone());
                self.lens.push(len);
                self.values.len() as u32
            });
        }
        let (value, len) = (
            self.values[leaf as usize - 1].clone(),
            self.lens[leaf as usize - 1],
        );
        self.values.push(value);
        self.lens.push(len);
        assert!(
            self.values.len() < (TARGET & !LEAF) as usize,
            "too many leaves"
        );
        self.values.len() as u32
    }

    /// The children of `node`: a node index, or `LEAF |` a leaf index.
    fn decode(&self, node: &Node) -> [u32; FANOUT] {
        let mut children = [0; FANOUT];
        let mut next_node = node.base1;
        // The leaf of the current run: a child with its `leafvec` bit starts the next one
        // (as `leaf_in` counts them).
        let mut leaf = node.base0.wrapping_sub(1);
        for (c, child) in children.iter_mut().enumerate() {
            let bit = 1u64 << c;
            leaf = leaf.wrapping_add(u32::from(node.leafvec & bit != 0));
            *child = if node.vector & bit != 0 {
                next_node += 1;
                next_node - 1
            } else if node.nonevec & bit != 0 {
                LEAF | NO_ROUTE
            } else {
                LEAF | leaf
            };
        }
        children
    }

    /// Applies the change to the node at `index`, which covers the region `key` (its
    /// first `offset` bits).
    fn paint_node<K: Key>(
        &mut self,
        index: u32,
        key: K,
        offset: u32,
        p: &Paint<K, V>,
        freed: &mut Freed,
    ) -> Outcome {
        let node = self.nodes[index as usize];
        if u32::from(p.len) > offset + STRIDE {
            // The route lies below one child: when that child is a node that stays one,
            // this node does not change.
            let c = p.key.chunk(offset, STRIDE);
            if node.vector & (1 << c) != 0 {
                let child = node.base1 + (node.vector & ((1u64 << c) - 1)).count_ones();
                let below = p.key.masked(offset + STRIDE);
                match self.paint_node(child, below, offset + STRIDE, p, freed) {
                    Outcome::Node => return Outcome::Node,
                    Outcome::Leaf(leaf) => {
                        let mut children = self.decode(&node);
                        children[c] = LEAF | leaf;
                        return self.rewrite(index, &node, &children, key, offset, p, freed);
                    }
                }
            }
            if !p.insert {
                return Outcome::Node;
            }
        }
        let mut children = self.decode(&node);
        if !self.paint_children(&mut children, key, offset, p, freed) {
            return Outcome::Node;
        }
        self.rewrite(index, &node, &children, key, offset, p, freed)
    }

    /// Writes the node at `index` again with `children`, freeing its old blocks.
    #[allow(clippy::too_many_arguments)]
    fn rewrite<K: Key>(
        &mut self,
        index: u32,
        old: &Node,
        children: &[u32; FANOUT],
        key: K,
        offset: u32,
        p: &Paint<K, V>,
        freed: &mut Freed,
    ) -> Outcome {
        let leaves = old.leafvec.count_ones();
        if leaves > 0 {
            freed.leaves.push((old.base0, leaves));
        }
        match self.encode(children, key, offset, Some(old), p, freed) {
            Some(node) => {
                self.nodes[index as usize] = node;
                self.check_node(index);
                Outcome::Node
            }
            None => {
                let nodes = old.vector.count_ones();
                if nodes > 0 {
                    freed.nodes.push((old.base1, nodes));
                }
                Outcome::Leaf(children[0] & !LEAF)
            }
        }
    }

    /// Paints the change over the children of a node covering region `key` at `offset`;
    /// returns whether any child changed.
    fn paint_children<K: Key>(
        &mut self,
        children: &mut [u32; FANOUT],
        key: K,
        offset: u32,
        p: &Paint<K, V>,
        freed: &mut Freed,
    ) -> bool {
        let len = u32::from(p.len);
        if len > offset + STRIDE {
            let c = p.key.chunk(offset, STRIDE);
            let below = p.key.masked(offset + STRIDE);
            let e = children[c];
            if e & LEAF == 0 {
                return match self.paint_node(e, below, offset + STRIDE, p, freed) {
                    Outcome::Node => false,
                    Outcome::Leaf(leaf) => {
                        children[c] = LEAF | leaf;
                        true
                    }
                };
            }
            if !p.insert {
                return false;
            }
            let mut grandchildren = [e; FANOUT];
            self.paint_children(&mut grandchildren, below, offset + STRIDE, p, freed);
            children[c] = match self.encode(&grandchildren, below, offset + STRIDE, None, p, freed)
            {
                // Placed for now in a slot of its own; the parent's block takes a copy.
                Some(node) => {
                    let index = self.alloc_nodes(&[node]);
                    freed.nodes.push((index, 1));
                    index
                }
                None => grandchildren[0],
            };
            return true;
        }
        let (first, count) = if len <= offset {
            (0, FANOUT)
        } else {
            (p.key.chunk(offset, STRIDE), 1 << (offset + STRIDE - len))
        };
        // The target's leaf: `TARGET`, or when the target is no route, no leaf.
        let target = if p.target.is_some() {
            TARGET
        } else {
            LEAF | NO_ROUTE
        };
        let mut changed = false;
        for (c, child) in children.iter_mut().enumerate().skip(first).take(count) {
            let e = *child;
            if e & LEAF != 0 {
                if e != target && p.replaces(self.leaf_len(e & !LEAF, p)) {
                    *child = target;
                    changed = true;
                }
            } else {
                let below = key | K::at(c, offset, STRIDE);
                if let Outcome::Leaf(leaf) = self.paint_node(e, below, offset + STRIDE, p, freed) {
                    *child = LEAF | leaf;
                    changed = true;
                }
            }
        }
        changed
    }

    /// The route (key, length) answering at leaf `leaf` for the child region `key`.
    fn identity<K: Key>(&self, leaf: u32, key: K, p: &Paint<K, V>) -> Option<(K, u8)> {
        let len = self.leaf_len(leaf, p)?;
        Some((key.masked(u32::from(len)), len))
    }

    /// The node for `children` of region `key` at `offset`, its blocks allocated; `None`
    /// when it has no child nodes and all its children answer alike (the parent takes
    /// that leaf, `children[0]`). The child block of `old` is reused when the same
    /// children are nodes (they were rewritten in their slots), else freed.
    fn encode<K: Key>(
        &mut self,
        children: &[u32; FANOUT],
        key: K,
        offset: u32,
        old: Option<&Node>,
        p: &Paint<K, V>,
        freed: &mut Freed,
    ) -> Option<Node> {
        let mut node = Node::default();
        // Which children are nodes and which have no route, without a branch per child.
        for (c, &e) in children.iter().enumerate() {
            node.vector |= u64::from(e & LEAF == 0) << c;
            node.nonevec |= u64::from(e == LEAF | NO_ROUTE) << c;
        }
        let mut child_nodes = [0u32; FANOUT];
        let mut node_count = 0;
        let mut rest = node.vector;
        while rest != 0 {
            child_nodes[node_count] = children[rest.trailing_zeros() as usize];
            node_count += 1;
            rest &= rest - 1;
        }
        // The leaf runs, over the children with a route: a run goes on past child nodes
        // and children without a route, as `build_node` lays it out. Neighbouring leaves
        // are compared by route, not by index: after a removal, or a child's collapse, two
        // leaves of one route can meet (R, X, R less X), and they are one run again, so
        // that the node can become a leaf again as a build would make it.
        let mut runs = [0u32; FANOUT];
        let mut run_count = 0;
        let mut previous: Option<(u32, usize)> = None;
        let mut rest = !node.vector & !node.nonevec;
        while rest != 0 {
            let c = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            let leaf = children[c] & !LEAF;
            if let Some((run, start)) = previous
                && (run == leaf
                    || self.identity(run, key | K::at(start, offset, STRIDE), p)
                        == self.identity(leaf, key | K::at(c, offset, STRIDE), p))
            {
                continue;
            }
            node.leafvec |= 1 << c;
            runs[run_count] = leaf;
            run_count += 1;
            previous = Some((leaf, c));
        }
        // No child nodes, and one route for all children or none for any: the parent's
        // leaf.
        if node_count == 0 && (node.nonevec == u64::MAX || (node.nonevec == 0 && run_count == 1)) {
            return None;
        }
        node.base0 = if run_count == 0 {
            1
        } else {
            self.alloc_leaves(&runs[..run_count], p)
        };
        node.base1 = match old {
            Some(old) if old.vector == node.vector => old.base1,
            _ => {
                if let Some(old) = old {
                    let nodes = old.vector.count_ones();
                    if nodes > 0 {
                        freed.nodes.push((old.base1, nodes));
                    }
                }
                if node_count == 0 {
                    0
                } else {
                    self.alloc_node_copies(&child_nodes[..node_count])
                }
            }
        };
        Some(node)
    }

    /// A block holding copies of `leaves` (leaf indices, or `TARGET`); its first index.
    fn alloc_leaves<K: Key>(&mut self, leaves: &[u32], p: &Paint<K, V>) -> u32 {
        let leaf = |t: &Self, l: u32| -> (V, u8) {
            if l == TARGET & !LEAF {
                let (_, len, value) = p.target.expect("the target leaf has a route");
                (value.clone(), len)
            } else {
                (t.values[l as usize - 1].clone(), t.lens[l as usize - 1])
            }
        };
        if let Some(first) = FreeLists::take(&mut self.free.leaves, leaves.len()) {
            self.free.slots -= leaves.len();
            for (k, &l) in leaves.iter().enumerate() {
                let (value, len) = leaf(self, l);
                self.values[first as usize - 1 + k] = value;
                self.lens[first as usize - 1 + k] = len;
            }
            return first;
        }
        let first = self.values.len() as u32 + 1;
        for &l in leaves {
            let (value, len) = leaf(self, l);
            self.values.push(value);
            self.lens.push(len);
        }
        assert!(
            self.values.len() < (TARGET & !LEAF) as usize,
            "too many leaves"
        );
        first
    }

    /// A block holding copies of the nodes at `indices`; its first index.
    fn alloc_node_copies(&mut self, indices: &[u32]) -> u32 {
        let mut nodes = [Node::default(); FANOUT];
        for (node, &i) in nodes.iter_mut().zip(indices) {
            *node = self.nodes[i as usize];
        }
        self.alloc_nodes(&nodes[..indices.len()])
    }

    /// A block holding `nodes`; its first index. Each node written is checked.
    fn alloc_nodes(&mut self, nodes: &[Node]) -> u32 {
        let first = match FreeLists::take(&mut self.free.nodes, nodes.len()) {
            Some(first) => {
                self.free.slots -= nodes.len();
                self.nodes[first as usize..first as usize + nodes.len()].copy_from_slice(nodes);
                first
            }
            None => {
                let first = self.nodes.len() as u32;
                self.nodes.extend_from_slice(nodes);
                assert!(self.nodes.len() < LEAF as usize, "too many nodes");
                first
            }
        };
        for index in first..first + nodes.len() as u32 {
            self.check_node(index);
        }
        first
    }

    /// The bounds `validate` checks, for one node a change wrote: lookups read without
    /// bounds checks. Every node a change writes goes through here (its children were
    /// checked when they were written, and the arrays only grow until a full build).
    fn check_node(&self, index: u32) {
        let node = self.nodes[index as usize];
        let children = node.vector.count_ones();
        assert!(
            u64::from(node.base1) + u64::from(children) <= self.nodes.len() as u64,
            "node {index}: children"
        );
        let last_leaf = u64::from(node.base0) + u64::from(node.leafvec.count_ones());
        assert!(
            node.base0 >= 1 && last_leaf - 1 <= self.values.len() as u64,
            "node {index}: leaves"
        );
    }
}
