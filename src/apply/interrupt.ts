/**
 * Two-stage Ctrl-C, like Terraform: the first SIGINT aborts the returned signal (no new operation starts,
 * running ones finish, the lock is released); the second exits at once with status 130.
 */
export function trapInterrupts(say: (line: string) => void): {signal: AbortSignal; dispose: () => void} {
  const controller = new AbortController()
  const onSigint = () => {
    if (!controller.signal.aborted) {
      say('\nInterrupt received. Please wait for dsynth to finish the running operations (Ctrl-C again exits at once)...')
      controller.abort()
      return
    }
    say('\nTwo interrupts received. Exiting immediately; run `dsynth apply` again to converge.')
    process.exit(130)
  }
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigint)
  return {signal: controller.signal, dispose: () => { process.off('SIGINT', onSigint); process.off('SIGTERM', onSigint) }}
}
