#!/usr/bin/env node
// A local Wechaty gateway for schoolbot's end-to-end tests and benchmark: the mock
// puppet (no WeChat account) served over wechaty-puppet-service on 127.0.0.1, TLS off
// (python-wechaty 0.10 speaks plaintext gRPC only), populated with the demo school.
//
//   node gateway.mjs --port 0 --token e2e-token [--school ../../bot/data/demo_school] [--tls on]
//
// stdin / stdout speak JSON lines (stdout carries nothing else; logs go to stderr):
//   in : {"cmd":"say","from":ID,"room":TOPIC|null,"text":"...","mention":bool,
//         "kind":"text"|"image"|"voice","ref":any,"id":MSG_ID?,"age_s":N?,"name":NAME?}
//        {"cmd":"rename","room":TOPIC|"room_id":ID,"topic":NEW,"by":ID,"ref":any}   (a member renames a group)
//        {"cmd":"newroom","topic":TOPIC,"members":[ID...],"ref":any}   (someone makes a group with the bot in it)
//        {"cmd":"join","room":TOPIC|"room_id":ID,"members":[ID...],"by":ID,"ref":any}   (a member adds people)
//        {"cmd":"ping","ref":any}   {"cmd":"quit"}
//   out: {"event":"ready","port":N,"endpoint":"127.0.0.1:N","bot":ID}
//        {"event":"login","user":ID}       (the mock bot user logged in: a client connected)
//        {"event":"injected","ref":any,"id":MSG_ID,"t":ms}
//        {"event":"sent","to":ROOM_TOPIC|null,"room_id":ID|null,"contact":ID|null,"text":"...","t":ms}
//        {"event":"room","ref":any,"room_id":ID,"topic":TOPIC,"members":[ID...]}   (after rename / newroom / join)
// A say/rename/join may name a room by "room" (its topic when the gateway started) or "room_id".
//        {"event":"pong","ref":any}   {"event":"error","ref":any,"message":"..."}
// ``t`` is wall-clock milliseconds with sub-millisecond precision (round-trip figures).
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'

import * as PUPPET from 'wechaty-puppet'
import { PuppetMock, mock } from 'wechaty-puppet-mock'
import { PuppetServer } from 'wechaty-puppet-service'
import { FileBox } from 'file-box'
import { parse as parseToml } from 'smol-toml'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const BOT = { id: 'wxid_schoolbot', name: '保学小助手' }
const STRANGER = { id: 'wxid_demo_stranger', name: '路人甲' }
// A 1x1 PNG: enough for the mock to call it an image.
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='

function arg (name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback
}

const port = Number(arg('port', process.env.GATEWAY_PORT ?? '0'))
const token = arg('token', process.env.WECHATY_PUPPET_SERVICE_TOKEN ?? 'schoolbot-e2e-token')
// --tls on: serve with TLS (the package's insecure built-in cert) to see how python-wechaty fails.
const tlsOn = arg('tls', 'off') === 'on'
const schoolArg = arg('school', process.env.SCHOOLBOT_SCHOOL)
const schoolDir = schoolArg ? path.resolve(schoolArg) : path.join(HERE, '..', '..', 'bot', 'data', 'demo_school')
PUPPET.log.level(process.env.WECHATY_LOG ?? 'warn')

const now = () => performance.timeOrigin + performance.now()
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

// ---- the demo school as contacts and rooms -----------------------------------------
const school = parseToml(fs.readFileSync(path.join(schoolDir, 'school.toml'), 'utf8'))
const staff = school.staff ?? []
const mocker = new mock.Mocker()
const puppet = new PuppetMock({ mocker })

const botContact = mocker.createContact({ id: BOT.id, name: BOT.name })
for (const s of staff) mocker.createContact({ id: s.wechat_id, name: s.name })
mocker.createContact({ id: STRANGER.id, name: STRANGER.name })

const roomByTopic = new Map()
const roomById = new Map()
const topicById = new Map()
const parentsOf = new Map()   // room topic -> parent contact ids
const leaderRoles = new Set(['principal', 'vice_principal', 'dropout_officer'])
let roomSeq = 0
for (const r of school.rooms ?? []) {
  let members
  if (r.kind === 'staff') {
    members = staff.map(s => s.wechat_id)
  } else if (r.kind === 'leaders') {
    members = staff.filter(s => (s.roles ?? []).some(x => leaderRoles.has(x))).map(s => s.wechat_id)
  } else {
    // Two parents per class group (ids are stable: tests address them), plus the head teacher.
    const n = ++roomSeq
    const parents = ['a', 'b'].map((k, i) => {
      const id = `wxid_demo_parent_${n}${k}`
      mocker.createContact({ id, name: `${r.class ?? r.topic}家长${i + 1}` })
      return id
    })
    parentsOf.set(r.topic, parents)
    const head = staff.find(s => s.head_of === r.class)
    members = [...(head ? [head.wechat_id] : []), ...parents]
  }
  // Room ids must contain "@": the mock tells rooms from contacts by it.
  const id = r.id ?? `room_${roomByTopic.size + 1}@chatroom`
  const room = mocker.createRoom({ id, topic: r.topic, memberIdList: [BOT.id, ...members] })
  roomByTopic.set(r.topic, room)
  roomById.set(id, room)
  topicById.set(id, r.topic)
}

// python-wechaty calls stop() then start() on every connect: log the bot in on each start.
mocker.use(m => {
  if (!m.puppet.isLoggedIn) m.login(botContact)
  return () => {}
})
puppet.on('login', ({ contactId }) => emit({ event: 'login', user: contactId }))

// Report what the bot sends. The mock then echoes it back as a message, as WeChat does.
const origSendText = puppet.messageSendText.bind(puppet)
puppet.messageSendText = async (conversationId, text, ...rest) => {
  const result = await origSendText(conversationId, text, ...rest)
  const isRoom = conversationId.includes('@')
  emit({
    event: 'sent',
    to: isRoom ? (topicById.get(conversationId) ?? conversationId) : null,
    room_id: isRoom ? conversationId : null,
    contact: isRoom ? null : conversationId,
    text,
    t: now(),
  })
  return result
}

// ---- control channel ---------------------------------------------------------------
function contactFor (cmd) {
  try {
    return mocker.ContactMock.load(cmd.from)
  } catch {
    // Unknown senders are created on the fly, so tests can invent a parent.
    return mocker.createContact({ id: cmd.from, name: cmd.name ?? cmd.from })
  }
}

function roomFor (cmd) {
  const room = cmd.room_id ? roomById.get(cmd.room_id) : roomByTopic.get(cmd.room)
  if (!room) throw new Error(`no room ${cmd.room_id ?? cmd.room}`)
  return room
}

function rename (cmd) {
  const room = roomFor(cmd)
  room.topic(cmd.topic).by(contactFor({ from: cmd.by ?? STRANGER.id }))
  return room
}

function newRoom (cmd) {
  const id = `room_${roomById.size + 1}@chatroom`
  for (const m of cmd.members ?? []) contactFor({ from: m })
  const room = mocker.createRoom({ id, topic: cmd.topic, memberIdList: [BOT.id, ...(cmd.members ?? [])] })
  roomById.set(id, room)
  topicById.set(id, cmd.topic)
  return room
}

function join (cmd) {
  // The mock's room.add(...).by(...): the ids join the room's member list (what the
  // service answers to roomMemberList) and a room-join event goes to the client.
  const room = roomFor(cmd)
  const invitees = (cmd.members ?? []).map(m => contactFor({ from: m }))
  if (invitees.length === 0) throw new Error('join: no members given')
  room.add(...invitees).by(contactFor({ from: cmd.by ?? STRANGER.id }))
  return room
}

function inject (cmd) {
  const talker = contactFor(cmd)
  const payload = {
    id: cmd.id ?? `msg_${randomUUID()}`,
    talkerId: talker.id,
    timestamp: Date.now() - 1000 * (cmd.age_s ?? 0),
    type: PUPPET.types.Message.Text,
  }
  const kind = cmd.kind ?? 'text'
  if (kind === 'text') {
    payload.text = cmd.text ?? ''
  } else {
    const file = kind === 'image'
      ? FileBox.fromBase64(PNG_1PX, 'photo.png')
      : FileBox.fromBase64(Buffer.from('#!SILK_V3').toString('base64'), 'voice.silk')
    payload.type = kind === 'image' ? PUPPET.types.Message.Image : PUPPET.types.Message.Audio
    mocker.cacheFileBoxPayload.set(payload.id, file.toJSON())
  }
  if (cmd.room || cmd.room_id) {
    const room = roomFor(cmd)
    const mention = cmd.mention ?? (payload.text ?? '').includes(`@${BOT.name}`)
    // How the mock marks an @-mention: the mentioned ids in mentionIdList, which the
    // service sends as mention_ids; python-wechaty's mention_self() reads exactly that.
    Object.assign(payload, { roomId: room.id, mentionIdList: mention ? [BOT.id] : [] })
  } else {
    payload.listenerId = BOT.id
  }
  const msg = mocker.MessageMock.create(payload)
  puppet.emit('message', { messageId: msg.id })
  return msg.id
}

const rl = readline.createInterface({ input: process.stdin })
rl.on('line', line => {
  if (!line.trim()) return
  let cmd
  try {
    cmd = JSON.parse(line)
  } catch (e) {
    emit({ event: 'error', message: `bad JSON: ${e.message}` })
    return
  }
  try {
    if (cmd.cmd === 'say') {
      const t = now()
      const id = inject(cmd)
      emit({ event: 'injected', ref: cmd.ref ?? null, id, t })
    } else if (cmd.cmd === 'rename' || cmd.cmd === 'newroom' || cmd.cmd === 'join') {
      const room = { rename, newroom: newRoom, join }[cmd.cmd](cmd)
      emit({
        event: 'room',
        ref: cmd.ref ?? null,
        room_id: room.id,
        topic: room.payload.topic,
        members: [...room.payload.memberIdList],
      })
    } else if (cmd.cmd === 'ping') {
      emit({ event: 'pong', ref: cmd.ref ?? null })
    } else if (cmd.cmd === 'quit') {
      shutdown(0)
    } else {
      emit({ event: 'error', ref: cmd.ref ?? null, message: `unknown cmd ${cmd.cmd}` })
    }
  } catch (e) {
    emit({ event: 'error', ref: cmd.ref ?? null, message: String(e?.message ?? e) })
  }
})
rl.on('close', () => shutdown(0))

// ---- serve -------------------------------------------------------------------------
let server
let stopping = false
async function shutdown (code) {
  if (stopping) return
  stopping = true
  try { await server?.stop() } catch {}
  process.exit(code)
}

// PuppetServer does not say which port --port 0 bound; pick a free one first.
function freePort () {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address()
      probe.close(() => resolve(p))
    })
  })
}
process.on('SIGTERM', () => shutdown(0))
process.on('SIGINT', () => shutdown(0))

const bound = port || await freePort()
server = new PuppetServer({
  endpoint: `127.0.0.1:${bound}`,
  puppet,
  token,
  tls: { disable: !tlsOn },
})
await server.start()
emit({ event: 'ready', port: bound, endpoint: `127.0.0.1:${bound}`, bot: BOT.id })
