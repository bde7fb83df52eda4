/**
 * Lua scripts, each run atomically by Redis on the keys of one campaign (one hash tag, so one Cluster
 * slot). ioredis loads them with defineCommand (EVALSHA, falling back to EVAL after a restart or
 * failover). Numbers cross as strings; evidence is written with 17 significant digits so a value read
 * back is the double that was computed.
 */

/**
 * APPLY: outcomes and default rewards of one campaign, in order.
 * KEYS[1] counters, KEYS[2] posterior versions, KEYS[3] campaign version, KEYS[4] contextual
 * observation queue, KEYS[5] the monitoring bucket of the current minute (redis/series.ts), KEYS[6..]
 * posterior hashes and idempotency-mark hashes (indexes passed per item).
 * ARGV: now, halfLife, unit ('events' | 'ms'), n, bucket expiry (ms since epoch), then per item 11 values:
 *   kind ('a' outcome | 'd' default reward), mark key index, posterior key index (0 for control),
 *   segment, offer id, reward, delta, mode ('0' learn, '1' control group: counted for uplift only,
 *   '2' counted but not learned: the campaign or offer is not loaded), mark expiry (ms since epoch), contextual observation ('' when none; queued for the weight learner
 *   when the reward is learned), the decision's model version.
 * Returns per item: 1 applied, 2 duplicate (an outcome was already applied), 3 expired (the default
 * reward was already applied), 0 skipped (a default reward for an offer that already has an outcome).
 * The Beta update is src/policies/beta-update.ts's, on evidence (alpha - prior, beta - prior): decay
 * multiplies evidence, which is what decayTable does to alpha - prior.
 */
export const APPLY_LUA = `
local now = tonumber(ARGV[1])
local half = tonumber(ARGV[2])
local unit = ARGV[3]
local n = tonumber(ARGV[4])
local evf = 1
if half > 0 then evf = 2 ^ (-1 / half) end
local sep = '\\031'
local tables = {}
local function load(idx, seg)
  local t = tables[idx]
  if t then return t end
  local raw = redis.call('HGETALL', KEYS[idx])
  local ev = {}
  for i = 1, #raw, 2 do ev[raw[i]] = tonumber(raw[i + 1]) end
  t = { ev = ev, seg = seg }
  tables[idx] = t
  return t
end
local function decay(t, f)
  if f >= 1 then return end
  for k, v in pairs(t.ev) do
    if k ~= 't' then t.ev[k] = v * f end
  end
end
local out = {}
local cnt = KEYS[1]
-- Counters are read once, summed in order here and written once: a few commands per batch instead
-- of five per outcome.
local counters = {}
local function add(field, x)
  local v = counters[field]
  if v == nil then v = tonumber(redis.call('HGET', cnt, field) or '0') end
  counters[field] = v + x
end
-- The minute's bucket, summed here like the counters and written once per field.
local series = {}
local function sadd(field, x) series[field] = (series[field] or 0) + x end
local expiring = {}
local p = 6
for i = 1, n do
  local kind = ARGV[p]
  local mkey = KEYS[tonumber(ARGV[p + 1])]
  local pk = tonumber(ARGV[p + 2])
  local seg = ARGV[p + 3]
  local offer = ARGV[p + 4]
  local reward = tonumber(ARGV[p + 5])
  local delta = tonumber(ARGV[p + 6])
  local mode = ARGV[p + 7]
  local control = mode == '1'
  local exp = tonumber(ARGV[p + 8])
  local obs = ARGV[p + 9]
  local ver = ARGV[p + 10]
  p = p + 11
  if redis.call('HSETNX', mkey, offer, kind) == 0 then
    local prev = redis.call('HGET', mkey, offer)
    if kind == 'd' then out[i] = 0 elseif prev == 'd' then out[i] = 3 else out[i] = 2 end
  else
    if not expiring[mkey] then
      redis.call('PEXPIREAT', mkey, exp)
      expiring[mkey] = true
    end
    local g = control and 'C' or 'T'
    add(g .. 'o' .. sep .. seg .. sep, 1)
    add(g .. 'r' .. sep .. seg .. sep, reward)
    sadd(g .. 'o', 1)
    sadd(g .. 'r', reward)
    if not control then
      add('o' .. sep .. seg .. sep .. offer, 1)
      add('r' .. sep .. seg .. sep .. offer, reward)
      add('d' .. sep .. seg .. sep .. offer, delta)
      -- Calibration sums (store/counters.ts addCalibration): bin of the predicted probability.
      local pr = math.min(1, math.max(0, reward - delta))
      local y = math.min(1, math.max(0, reward))
      local b = math.min(9, math.floor(pr * 10))
      add('k' .. b .. sep .. seg .. sep .. offer, 1)
      add('q' .. b .. sep .. seg .. sep .. offer, pr)
      add('y' .. b .. sep .. seg .. sep .. offer, y)
      add('e' .. sep .. seg .. sep .. offer, (pr - y) * (pr - y))
      sadd('o' .. sep .. offer, 1)
      sadd('r' .. sep .. offer, reward)
      sadd('p' .. sep .. offer, pr)
      sadd('k' .. b .. sep .. offer, 1)
      sadd('q' .. b .. sep .. offer, pr)
      sadd('y' .. b .. sep .. offer, y)
      sadd('e' .. sep .. offer, (pr - y) * (pr - y))
      sadd('Mk' .. b .. sep .. ver, 1)
      sadd('Mq' .. b .. sep .. ver, pr)
      sadd('My' .. b .. sep .. ver, y)
      sadd('Me' .. sep .. ver, (pr - y) * (pr - y))
    end
    if mode == '0' and obs ~= '' then redis.call('RPUSH', KEYS[4], obs) end
    if mode == '0' then
      local t = load(pk, seg)
      if half > 0 then
        if unit == 'events' then
          decay(t, evf)
        else
          local last = t.ev['t'] or 0
          if last > 0 then
            local dt = now - last
            if dt > 0 then
              decay(t, 2 ^ (-dt / half))
              t.ev['t'] = now
            end
          else
            t.ev['t'] = now
          end
        end
      end
      local r = reward
      if r < 0 then r = 0 elseif r > 1 then r = 1 end
      t.ev['a:' .. offer] = (t.ev['a:' .. offer] or 0) + r
      t.ev['b:' .. offer] = (t.ev['b:' .. offer] or 0) + (1 - r)
      t.dirty = true
    end
    out[i] = 1
  end
end
for idx, t in pairs(tables) do
  if t.dirty then
    local args = {}
    for k, v in pairs(t.ev) do
      args[#args + 1] = k
      args[#args + 1] = string.format('%.17g', v)
      if #args >= 1000 then
        redis.call('HSET', KEYS[idx], unpack(args))
        args = {}
      end
    end
    if #args > 0 then redis.call('HSET', KEYS[idx], unpack(args)) end
    redis.call('HINCRBY', KEYS[2], t.seg, 1)
  end
end
local cargs = {}
for k, v in pairs(counters) do
  cargs[#cargs + 1] = k
  cargs[#cargs + 1] = string.format('%.17g', v)
  if #cargs >= 1000 then
    redis.call('HSET', cnt, unpack(cargs))
    cargs = {}
  end
end
if #cargs > 0 then redis.call('HSET', cnt, unpack(cargs)) end
local touched = false
for k, v in pairs(series) do
  redis.call('HINCRBYFLOAT', KEYS[5], k, string.format('%.17g', v))
  touched = true
end
if touched then redis.call('PEXPIREAT', KEYS[5], ARGV[5]) end
redis.call('INCR', KEYS[3])
return out
`;

/**
 * LOG: what a batch of decisions adds to one campaign: counter increments, monitoring bucket
 * increments and default-reward due entries. KEYS[1] counters, KEYS[2] due set, KEYS[3] campaign
 * version, KEYS[4..] monitoring buckets (redis/series.ts).
 * ARGV: number of counter increments m, then m pairs (field, increment); number of bucket increments
 * s, then s triples (bucket key index, field, increment); one expiry (ms since epoch) per bucket key;
 * then pairs (due ms, id).
 */
export const LOG_LUA = `
local m = tonumber(ARGV[1])
local p = 2
for i = 1, m do
  redis.call('HINCRBY', KEYS[1], ARGV[p], ARGV[p + 1])
  p = p + 2
end
local s = tonumber(ARGV[p])
p = p + 1
for i = 1, s do
  redis.call('HINCRBY', KEYS[tonumber(ARGV[p])], ARGV[p + 1], ARGV[p + 2])
  p = p + 3
end
for k = 4, #KEYS do
  redis.call('PEXPIREAT', KEYS[k], ARGV[p])
  p = p + 1
end
while p <= #ARGV do
  redis.call('ZADD', KEYS[2], ARGV[p], ARGV[p + 1])
  p = p + 2
end
redis.call('INCR', KEYS[3])
return 1
`;

/**
 * CLAIM: up to ARGV[2] decisions of one campaign whose default reward is due at ARGV[1]; each claimed
 * id is pushed ARGV[3] ms into the future, so a sweeper that dies after claiming only delays them:
 * another replica claims them again, and APPLY's marks give each (decision, offer) its reward once.
 * KEYS[1] due set. Returns the claimed ids.
 */
export const CLAIM_LUA = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local later = tonumber(ARGV[1]) + tonumber(ARGV[3])
for i = 1, #ids do redis.call('ZADD', KEYS[1], later, ids[i]) end
return ids
`;

/**
 * WEIGHTS: the contextual weight learner's result, written only while it holds the lease (a fenced
 * write: a learner whose lease passed to another process writes nothing). KEYS[1] weights hash,
 * KEYS[2] observation queue, KEYS[3] campaign version, KEYS[4] lease. ARGV: lease token, number of
 * observations consumed, then field/value pairs. Returns 1, or 0 when the lease is not held.
 */
export const WEIGHTS_LUA = `
if redis.call('GET', KEYS[4]) ~= ARGV[1] then return 0 end
local args = {}
for i = 3, #ARGV do
  args[#args + 1] = ARGV[i]
  if #args >= 1000 then
    redis.call('HSET', KEYS[1], unpack(args))
    args = {}
  end
end
if #args > 0 then redis.call('HSET', KEYS[1], unpack(args)) end
redis.call('LTRIM', KEYS[2], tonumber(ARGV[2]), -1)
redis.call('INCR', KEYS[3])
return 1
`;

/** LEASE: takes or renews KEYS[1] for token ARGV[1] for ARGV[2] ms; returns 1 when held. */
export const LEASE_LUA = `
local cur = redis.call('GET', KEYS[1])
if cur == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return 1
end
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 1
end
return 0
`;

/**
 * CONTACTS: merges a process's contact record of one customer into the stored one, as
 * fatigue/history.ts's mergeContacts does (impression times united, each time as often as the list
 * that has it more often; the longer ignored run and the later cool-down kept), so processes writing
 * the same customer never overwrite each other. Records are MessagePack, whose float64 keeps the
 * sub-millisecond process tags of impression times (cjson would round them to 14 digits).
 * KEYS[1] the record; ARGV[1] record, ARGV[2] TTL (ms).
 */
export const CONTACTS_LUA = `
local function union(a, b)
  local out = {}
  local i, j = 1, 1
  a = a or {}
  b = b or {}
  while i <= #a or j <= #b do
    if j > #b then out[#out + 1] = a[i]; i = i + 1
    elseif i > #a then out[#out + 1] = b[j]; j = j + 1
    elseif a[i] == b[j] then out[#out + 1] = a[i]; i = i + 1; j = j + 1
    elseif a[i] < b[j] then out[#out + 1] = a[i]; i = i + 1
    else out[#out + 1] = b[j]; j = j + 1 end
  end
  return out
end
local inc = cmsgpack.unpack(ARGV[1])
local cur = redis.call('GET', KEYS[1])
if cur then
  local old = cmsgpack.unpack(cur)
  inc.c = union(old.c, inc.c)
  inc.o = inc.o or {}
  for id, x in pairs(old.o or {}) do
    local y = inc.o[id]
    if y == nil then inc.o[id] = x
    else
      y.t = union(y.t, x.t)
      y.i = math.max(y.i or 0, x.i or 0)
      y.u = math.max(y.u or 0, x.u or 0)
    end
  end
end
redis.call('SET', KEYS[1], cmsgpack.pack(inc), 'PX', tonumber(ARGV[2]))
return 1
`;

/**
 * JOIN: a batch's join records, each with its TTL, in one command. Single server only: a cluster
 * refuses a script whose keys are in different slots, and join records are spread by decision id.
 * KEYS: the join record keys; ARGV: pairs (record, TTL ms).
 */
export const JOIN_LUA = `
for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'PX', ARGV[2 * i]) end
return #KEYS
`;
