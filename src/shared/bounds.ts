// Bounds on what comes from outside (IPC payloads, messages, files): how deep and how large a
// value may be before anything recurses over it, and how much of it an error may quote.

export interface Bounds {
  /** Deepest nesting of lists and objects allowed (a scalar at the top is depth 0). */
  maxDepth: number
  /** Most bytes the value may take as JSON text (approximate for strings: UTF-16 code units). */
  maxBytes: number
}

/**
 * Checks `value` against `bounds` without recursion (a deep value cannot overflow the stack
 * here); throws an Error naming the limit, never echoing the value. Stops counting at the limit.
 */
export function checkBounds(value: unknown, { maxDepth, maxBytes }: Bounds, what = 'the payload'): void {
  const stack: Array<[unknown, number]> = [[value, 0]]
  const seen = new Set<object>()
  let bytes = 0
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!
    if (typeof item === 'string') bytes += item.length + 2
    else if (item === null || typeof item !== 'object') bytes += 8
    else {
      if (depth >= maxDepth) throw new Error(`${what} is nested deeper than ${maxDepth} levels`)
      if (seen.has(item)) continue // Structured clone keeps shared and circular references: count each once.
      seen.add(item)
      bytes += 2
      if (ArrayBuffer.isView(item)) bytes += item.byteLength
      else if (item instanceof Map || item instanceof Set) {
        for (const entry of item instanceof Map ? item.entries() : item.values()) stack.push([entry, depth + 1])
      } else
        for (const key of Object.keys(item)) {
          bytes += key.length + 3
          stack.push([(item as Record<string, unknown>)[key], depth + 1])
        }
    }
    if (bytes > maxBytes) throw new Error(`${what} is larger than ${maxBytes.toLocaleString('en-US')} bytes`)
  }
}

// Checked with a loop and an explicit stack before anything recursive (zod, error formatting,
// JSON.stringify) sees the value: a list nested 5,000 deep must not overflow the stack.

export interface ValueBounds {
  /** Deepest nesting of lists and objects; the value itself is level 0. */
  maxDepth: number
  /** Most values (list items, object fields, the value itself) in the whole value. */
  maxValues: number
}

/** Deeper than any LabApi argument needs: a session's deepest field is about 8 levels down. */
export const MAX_VALUE_DEPTH = 64

/** Where a value broke its bounds and how, e.g. `{ path: [0, 'params', 'size'], problem: 'is nested deeper than 64 levels' }`. */
export interface BoundsViolation {
  path: PropertyKey[]
  problem: string
}

interface Frame {
  /** A list or an object, walked one child at a time so the stack holds one frame per level. */
  container: object
  keys: readonly PropertyKey[] | null
  length: number
  next: number
  key: PropertyKey | null
  parent: Frame | null
}

const pathOf = (frame: Frame | null, last?: PropertyKey): PropertyKey[] => {
  const path: PropertyKey[] = last === undefined ? [] : [last]
  for (let f = frame; f && f.key !== null; f = f.parent) path.unshift(f.key)
  return path
}

const open = (container: object, key: PropertyKey | null, parent: Frame | null): Frame => {
  const keys = Array.isArray(container) ? null : Object.keys(container)
  return { container, keys, length: keys ? keys.length : (container as unknown[]).length, next: 0, key, parent }
}

/** The first place `value` breaks `bounds`, or null; iterative (memory in proportion to depth), stops at the first violation. */
export function findBoundsViolation(value: unknown, bounds: ValueBounds): BoundsViolation | null {
  if (typeof value !== 'object' || value === null) return null
  if (bounds.maxDepth < 1) return { path: [], problem: `is nested deeper than ${bounds.maxDepth} levels` }
  const stack: Frame[] = [open(value, null, null)]
  let count = 1
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!
    if (frame.next >= frame.length) {
      stack.pop()
      continue
    }
    const key = frame.keys ? frame.keys[frame.next]! : frame.next
    frame.next++
    if (++count > bounds.maxValues)
      return { path: pathOf(frame), problem: `holds more than ${bounds.maxValues} values` }
    const child = (frame.container as Record<PropertyKey, unknown>)[key]
    if (typeof child !== 'object' || child === null) continue
    if (stack.length >= bounds.maxDepth) {
      return { path: pathOf(frame, key), problem: `is nested deeper than ${bounds.maxDepth} levels` }
    }
    stack.push(open(child, key, frame))
  }
  return null
}
