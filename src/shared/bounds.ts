// Bounds on what comes from outside (IPC payloads, messages, files): how deep and how large a
// value may be before anything recurses over it, and how much of it an error may quote.

/** How a bad input is named in an error: small scalars as they are, anything larger by its kind and size. */
export function showInput(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return String(value)
  if (typeof value === 'bigint') return `${value}n`.length <= 24 ? `${value}n` : 'a very large integer'
  if (typeof value === 'string') return showName(value, 'text')
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/** A name or text from outside, quoted when short (escaped: one line), else only its length. */
export function showName(text: string, what = 'name'): string {
  return text.length <= 20 ? JSON.stringify(text) : `a ${text.length.toLocaleString('en-US')}-character ${what}`
}

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
