/**
 * Escapes what a terminal would act on (C0 control characters, DEL and C1) as octal, the way mount tables write
 * them: a mount point named with a newline or an escape sequence cannot forge a line of output or move the cursor.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => '\\' + ch.charCodeAt(0).toString(8).padStart(3, '0'))
}
