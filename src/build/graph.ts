import {BuildError} from '../errors.js'
import {splitOrigin} from './query.js'
import {DEP_KINDS, type BuildGraph, type DepEdge, type DepKind, type PortInfo, type PortNode} from './types.js'

/**
 * Builds the dependency graph of `roots` from the query answers (pure).
 * An unflavored root whose port has FLAVORS becomes a dummy node depending on every flavor;
 * an unflavored dependency on such a port means its default (first) flavor.
 * Throws BuildError `BUILD_UNKNOWN_ORIGIN` naming a missing origin, `BUILD_CYCLE` naming a cycle.
 */
export function assembleGraph(roots: string[], infos: Record<string, PortInfo>): BuildGraph {
  const nodes: Record<string, PortNode> = {}
  const infoOf = (origin: string, neededBy: string | null): PortInfo => {
    const info = infos[origin]
    if (info === undefined) {
      throw new BuildError('BUILD_UNKNOWN_ORIGIN', `port not found: ${origin}${neededBy === null ? '' : `, required by ${neededBy}`}`)
    }
    return info
  }
  const defaultFlavor = (origin: string, neededBy: string): string => {
    const info = infoOf(origin, neededBy)
    return splitOrigin(origin).flavor === null && info.flavors.length > 0 ? `${origin}@${info.flavors[0]}` : origin
  }
  const add = (id: string, neededBy: string | null): void => {
    if (nodes[id] !== undefined) return
    const info = infoOf(id, neededBy)
    const edges = new Map<string, DepKind[]>()
    for (const kind of DEP_KINDS) {
      for (const dep of info.deps[kind]) {
        const target = defaultFlavor(dep, id)
        const kinds = edges.get(target) ?? []
        if (!kinds.includes(kind)) kinds.push(kind)
        edges.set(target, kinds)
      }
    }
    nodes[id] = makeNode(id, info, false, sortEdges(edges))
    for (const target of edges.keys()) add(target, id)
  }
  const rootIds: string[] = []
  for (const root of roots) {
    if (rootIds.includes(root)) continue
    rootIds.push(root)
    const info = infoOf(root, null)
    if (splitOrigin(root).flavor === null && info.flavors.length > 0) {
      const flavored = info.flavors.map((f) => `${root}@${f}`)
      nodes[root] = makeNode(root, info, true, sortEdges(new Map(flavored.map((f) => [f, ['build' as DepKind]]))))
      for (const f of flavored) add(f, root)
    } else {
      add(root, null)
    }
  }
  const graph = {roots: rootIds, nodes}
  const cycle = findCycle(graph)
  if (cycle) throw new BuildError('BUILD_CYCLE', `dependency cycle: ${cycle.join(' -> ')}`)
  return graph
}

function makeNode(origin: string, info: PortInfo, dummy: boolean, deps: DepEdge[]): PortNode {
  const {portdir, flavor} = splitOrigin(origin)
  return {
    origin, portdir, flavor,
    pkgfile: dummy ? null : info.pkgfile,
    version: info.version,
    ignore: dummy ? null : info.ignore,
    dummy,
    meta: info.uses.includes('metaport'),
    deps,
  }
}

const sortEdges = (edges: Map<string, DepKind[]>): DepEdge[] =>
  [...edges].sort(([a], [b]) => compare(a, b)).map(([origin, kinds]) => ({origin, kinds}))

/** Byte-wise string order, independent of the locale. */
export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Returns one dependency cycle as `[a, b, c, a]`, or null when the graph is acyclic. Deterministic. */
export function findCycle(graph: BuildGraph): string[] | null {
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (id: string): string[] | null => {
    state.set(id, 'open')
    stack.push(id)
    for (const {origin} of graph.nodes[id]?.deps ?? []) {
      const s = state.get(origin)
      if (s === 'open') return [...stack.slice(stack.indexOf(origin)), origin]
      if (s === undefined) {
        const found = visit(origin)
        if (found) return found
      }
    }
    stack.pop()
    state.set(id, 'done')
    return null
  }
  for (const id of Object.keys(graph.nodes).sort(compare)) {
    if (state.has(id)) continue
    const found = visit(id)
    if (found) return found
  }
  return null
}

/** For every node, the nodes that depend on it directly, sorted. */
export function dependentsOf(graph: BuildGraph): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const id of Object.keys(graph.nodes)) out[id] = []
  for (const node of Object.values(graph.nodes)) for (const {origin} of node.deps) out[origin].push(node.origin)
  for (const list of Object.values(out)) list.sort(compare)
  return out
}

/**
 * The packages to install in the slot before building `origin`, dependencies first:
 * its direct dependencies of every kind, and below them only LIB and RUN dependencies (C dsynth).
 */
export function installOrder(graph: BuildGraph, origin: string): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  const visit = (id: string, top: boolean): void => {
    for (const edge of graph.nodes[id].deps) {
      if (!top && !edge.kinds.some((k) => k === 'lib' || k === 'run')) continue
      if (seen.has(edge.origin)) continue
      seen.add(edge.origin)
      visit(edge.origin, false)
      if (!graph.nodes[edge.origin].dummy) out.push(edge.origin)
    }
  }
  visit(origin, true)
  return out
}

/** Every node, dependencies before dependents; ties by origin (deterministic). */
export function topoOrder(graph: BuildGraph): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  const visit = (id: string): void => {
    if (seen.has(id)) return
    seen.add(id)
    for (const {origin} of graph.nodes[id].deps) visit(origin)
    out.push(id)
  }
  for (const id of Object.keys(graph.nodes).sort(compare)) visit(id)
  return out
}
