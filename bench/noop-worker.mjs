// piscina's side of the dispatch benchmark: a task that does nothing.
export default function noop(index) {
  return index
}
