// membomb: grows its memory a page at a time until the kernel's cap makes memory.grow fail, then
// prints how far it got and exits 0.
import { print } from '../sdk/as/wasmos'

let pages = memory.size()
while (memory.grow(1) != -1) {
  pages++
  store<u8>((<usize>pages << 16) - 1, 0xaa)
}
print('memory.grow failed at ' + pages.toString() + ' pages\n')
