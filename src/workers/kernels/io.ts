// I/O-bound kernels: they wait on a socket, a timer or the disk, and check what came back.
import { get } from 'node:http'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleepMs } from 'node:timers/promises'
import { byteSum, makePayload } from './cpu'

/** GETs payload `index` from the lab's HTTP fixture and returns the body. */
export function fetchPayload(baseUrl: string, index: number, latency: number, payload: number): Promise<Buffer> {
  const url = `${baseUrl}/payload?seed=${index}&bytes=${payload}&latency=${latency}`
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${url} answered ${res.statusCode}`))
        else resolve(Buffer.concat(chunks))
      })
      res.on('error', reject)
    })
    req.on('error', reject)
  })
}

export async function sleepTask(index: number, duration: number): Promise<number> {
  await sleepMs(duration)
  return index + 1
}

/** Writes payload `index` to a file in `dir`, reads it back, removes it; the byte sum read. */
export async function fileTask(dir: string, index: number, size: number): Promise<number> {
  const path = join(dir, `task-${index}.bin`)
  await writeFile(path, makePayload(index, size))
  try {
    const back = await readFile(path)
    if (back.length !== size) throw new Error(`read ${back.length} bytes back from ${path}, wrote ${size}`)
    return byteSum(back)
  } finally {
    await rm(path, { force: true })
  }
}

export { byteSum }
