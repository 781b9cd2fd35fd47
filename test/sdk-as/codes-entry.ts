// Test entry for test/sdk-as/codes.test.ts: the ABI numbers as AssemblyScript programs see them
// through programs/sdk/as/abi.ts, one exported getter each.
/* eslint-disable camelcase -- each getter is named after the ABI constant it returns */
import * as abi from '../../programs/sdk/as/abi'

export function get_OK (): i32 { return abi.OK }
export function get_DENIED (): i32 { return abi.DENIED }
export function get_NO_HANDLER (): i32 { return abi.NO_HANDLER }
export function get_BAD_POINTER (): i32 { return abi.BAD_POINTER }
export function get_TOO_LARGE (): i32 { return abi.TOO_LARGE }
export function get_QUEUE_FULL (): i32 { return abi.QUEUE_FULL }
export function get_UNKNOWN_MESSAGE (): i32 { return abi.UNKNOWN_MESSAGE }
export function get_ALREADY_HANDLED (): i32 { return abi.ALREADY_HANDLED }
export function get_BAD_REQUEST (): i32 { return abi.BAD_REQUEST }
export function get_SEND_ANSWER (): i32 { return <i32>abi.SEND_ANSWER }
export function get_SEND_WAIT_HANDLER (): i32 { return <i32>abi.SEND_WAIT_HANDLER }
export function get_WAIT_BLOCK (): i32 { return <i32>abi.WAIT_BLOCK }
export function get_KIND_ANSWER (): i32 { return <i32>abi.KIND_ANSWER }
export function get_KIND_MESSAGE (): i32 { return <i32>abi.KIND_MESSAGE }
export function get_KIND_ENDED (): i32 { return <i32>abi.KIND_ENDED }
export function get_ANSWER_HEADER (): i32 { return abi.ANSWER_HEADER }
export function get_MESSAGE_HEADER (): i32 { return abi.MESSAGE_HEADER }
export function get_ENDED_SIZE (): i32 { return abi.ENDED_SIZE }
