// wasi-hello-as: an AssemblyScript program built for WASI with @assemblyscript/wasi-shim (not
// with the wasmos SDK: it uses only WASI). It prints its arguments and GREETING, echoes standard
// input reversed line by line, and exits with the status given as its first argument.
// (Named wasi-main.ts so the wasmos program step skips it; scripts/build.d/36-programs-wasi-as.ts builds it.)
const args = process.argv
let line = 'hello from AssemblyScript on WASI:'
for (let i = 0; i < args.length; i++) line += ' [' + args[i] + ']'
process.stdout.write(line + '\n')
process.stdout.write('GREETING=' + (process.env.has('GREETING') ? process.env.get('GREETING') : '(unset)') + '\n')
process.stderr.write('this goes to stderr\n')

const buf = new ArrayBuffer(4096)
let pending = ''
for (;;) {
  const n = process.stdin.read(buf)
  if (n <= 0) break
  pending += String.UTF8.decode(buf.slice(0, n))
  let nl = pending.indexOf('\n')
  while (nl >= 0) {
    const text = pending.substring(0, nl)
    let rev = ''
    for (let i = text.length - 1; i >= 0; i--) rev += text.charAt(i)
    process.stdout.write(rev + '\n')
    pending = pending.substring(nl + 1)
    nl = pending.indexOf('\n')
  }
}
process.stdout.write('bye\n')
process.exit(args.length > 1 ? I32.parseInt(args[1]) : 0)
