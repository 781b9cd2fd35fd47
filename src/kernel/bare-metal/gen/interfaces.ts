// Generated from interfaces/*.json by scripts/build.d/65-kernel-wasm.ts. Do not edit.
// Interface keys (hex of the definition digest, the kernel core's name for an interface).
export const KEY_ENV: string = '4a68edacb3b2c4e684a029dedc72b7a7e0cd081c9f35a595e612d18cefeddd96'
export const KEY_FS: string = '72a4e08f922847ab47cf3cbbd80f182511d71cbbdfa0f5e4ace4abf71568da29'
export const KEY_INTERRUPTS: string = '2ba176db015c152c63b4b5ff5f186d658d4682aa5a21b3eef05a729e66a723d8'
export const KEY_IO: string = '3dca4f23b335e25eec5681ea19ef04b158dfcc8e31c3ef5310e4fb8586b345e6'
export const KEY_KV: string = '68f3d36c047780794f8946a811a819922a39238ab76fc6abad4fc86b0bbe04ed'
export const KEY_LOADER: string = 'aad2f591feefd584170f03a22804c33b1c2f9c288b9863c258a7196251e5162f'
export const KEY_LOG: string = '434d7b881f8f8a678ff9fb764efff4ce41a55558824521610b1db2ebadf50ffb'
export const KEY_PCI: string = 'b92b0beab000847a7319cb1670155c390623fda4b4deb877600397ea3c8c71f4'
export const KEY_PINGPONG: string = '91f03df514ac9f31b9532c6b87e98d91fab29b23f394db239b21d838526749e2'
export const KEY_PROCESS: string = '57bb6be2927228eaecb8af5e08a707a7e3affceade2a4ea3ae856b62df704836'
export const KEY_RANDOM: string = '93f0367071a61d7376647fda38996ac7165c19204c9d3472422c3e732e77a93c'
export const KEY_REGISTRY: string = 'c798c51407f4d7a5365d0ea17369bdff7318bcd7dbe3460479403a71ca5b681e'
export const KEY_STDIO: string = '966480b992d494f4038489c5c591db9ceb5dab34c52ec362eabf63610f916681'
export const KEY_TCP: string = '590873c848dbfad4f60b2253727fdac3ef1e452d7b2b67da41e9691e95454c65'
export const KEY_TIME: string = '2547797ce3e4ece102907332242904d8e1f488e5a4721441e1940446b778268f'
export const KEY_UDP: string = 'e74e9621a6ad75fc44cd9dd009149818eb425c528699dbe12526cb144466fad6'

/** Names and keys of every known interface, in the same order. */
export const NAMES: Array<string> = ['env', 'fs', 'interrupts', 'io', 'kv', 'loader', 'log', 'pci', 'pingpong', 'process', 'random', 'registry', 'stdio', 'tcp', 'time', 'udp']
export const KEYS: Array<string> = [KEY_ENV, KEY_FS, KEY_INTERRUPTS, KEY_IO, KEY_KV, KEY_LOADER, KEY_LOG, KEY_PCI, KEY_PINGPONG, KEY_PROCESS, KEY_RANDOM, KEY_REGISTRY, KEY_STDIO, KEY_TCP, KEY_TIME, KEY_UDP]
