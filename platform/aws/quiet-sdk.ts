/**
 * The AWS SDK warns on every start that releases after January 2027 will need Node.js 22; that
 * belongs in the README, not in every command's output and harvest log. Called before any client
 * is made.
 */
export function quietAwsSdk(): void {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}
