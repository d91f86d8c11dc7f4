// The demo generator: a believable stream of all 22 event types in the shapes of
// docs/events.md, for the app's demo mode, screenshots and anyone trying the protocol.
// It keeps a small world (rooms with members, open alerts, running scans, metrics that walk,
// one maintenance window at a time) so that follow-up events refer to things that exist:
// an alert is updated after it was created, a scan completes after it started, a maintenance
// window ends after it began. Randomness is injected so tests can seed it.
import type { EventType, Severity } from '../core/common/protocol';

export interface DemoEvent {
  event: EventType;
  data: Record<string, unknown>;
}

export interface DemoGeneratorOptions {
  /** uniform in [0, 1); default Math.random */
  random?: () => number;
  /** epoch ms; default Date.now */
  now?: () => number;
}

export interface DemoGenerator {
  next(): DemoEvent;
}

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same stream. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USERS = [
  'Alice',
  'Bob',
  'Carol',
  'Dmitri',
  'Eve',
  'Farida',
  'Grace',
  'Hiro',
  'Ivan',
  'Jun',
  'Katya',
  'Leila',
];
const INITIAL_ROOMS = ['general', 'ops', 'security-team', 'release-planning', 'oncall', 'random'];
const MESSAGE_LINES = [
  'Deploy of 2.14.1 is rolling out to eu-central-1',
  'Can someone look at the failing nightly build?',
  'Rotated the API keys for the staging cluster',
  'Lunch at 13:00?',
  'The new dashboard is live, feedback welcome',
  'Incident review moved to Thursday',
  'Who owns the backup job on db-01?',
  'Latency on the edge looks better after the cache change',
  'Reminder: certificates renew next week',
  'Merged the fix for the login redirect loop',
  'Please review the firewall change request',
  'Thanks, that worked!',
];
const ALERTS: Record<string, string[]> = {
  authentication: [
    'Suspicious login attempt',
    'Brute-force attack on an admin account',
    'Login from a new country',
  ],
  network: ['Port scan detected', 'Unusual outbound traffic', 'Traffic spike matching a DDoS'],
  malware: ['Malware signature in an upload', 'Unknown binary executed on a server'],
  data_exfiltration: ['Large export by a service account', 'Unusual download volume'],
  configuration: [
    'TLS certificate expires in 7 days',
    'Storage bucket readable by anyone',
    'Firewall rule open to 0.0.0.0/0',
  ],
};
const ALERT_DESCRIPTIONS: Record<string, string> = {
  authentication: 'Multiple failed login attempts detected',
  network: 'Traffic pattern outside the usual baseline',
  malware: 'A file matched a known malware signature',
  data_exfiltration: 'Data leaving the network above the usual volume',
  configuration: 'A setting differs from the security baseline',
};
const SERVERS = [
  { server: 'web-01', region: 'us-east-1' },
  { server: 'web-02', region: 'eu-central-1' },
  { server: 'api-01', region: 'us-east-1' },
  { server: 'db-01', region: 'eu-central-1' },
  { server: 'edge-01', region: 'ap-southeast-1' },
];
const METRICS = [
  { name: 'cpu_usage', unit: 'percent', min: 0, max: 100, start: 35, step: 6 },
  { name: 'memory_usage', unit: 'MB', min: 256, max: 16384, start: 4096, step: 300 },
  { name: 'request_rate', unit: 'req/s', min: 0, max: 5000, start: 800, step: 120 },
  { name: 'latency_p95', unit: 'ms', min: 5, max: 3000, start: 120, step: 25 },
  { name: 'active_connections', unit: 'count', min: 0, max: 20000, start: 1500, step: 150 },
] as const;
const COMPONENTS = ['api', 'websocket', 'database', 'search', 'storage'];
const STATUS_MESSAGES: Record<string, string> = {
  operational: 'All systems operational',
  degraded: 'Elevated response times',
  partial_outage: 'Some requests are failing',
  major_outage: 'Service unavailable for most users',
};
const MAINTENANCE = [
  { title: 'Database upgrade', components: ['database', 'api'] },
  { title: 'Search index rebuild', components: ['search'] },
  { title: 'Network switch replacement', components: ['api', 'websocket', 'storage'] },
  { title: 'Storage cluster expansion', components: ['storage'] },
];
const REPORTS = [
  'Security summary',
  'Room activity',
  'API usage by client',
  'Trust network growth',
  'Incident response times',
];
const SCAN_TARGETS = ['web-01.prod', 'web-02.prod', 'api-01.prod', 'db-01.prod', '10.0.0.0/24'];
const REPUTATION_REASONS = [
  'verified by a trusted member',
  'reported for spam',
  'long-standing active member',
  'verification expired',
  'helpful answers in rooms',
];

interface Room {
  id: string;
  name: string;
  members: Set<string>;
}
interface Message {
  id: string;
  room: Room;
  senderId: string;
  senderName: string;
}
interface Alert {
  id: string;
  title: string;
  severity: Severity;
  category: string;
  source: string;
}
interface Scan {
  id: string;
  target: string;
  scanType: string;
  startedAt: number;
}
interface Report {
  id: string;
  name: string;
  period: string;
  createdAt: number;
}
interface Identity {
  id: string;
  userName: string;
  provider: string;
}
interface Verification {
  id: string;
  verifierName: string;
  subjectName: string;
}
interface Maintenance {
  id: string;
  title: string;
}

const userId = (name: string) => `user_${name.toLowerCase()}`;

export function createDemoGenerator(options: DemoGeneratorOptions = {}): DemoGenerator {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;

  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const weighted = <T extends string>(weights: Record<T, number>): T => {
    const entries = Object.entries(weights) as [T, number][];
    let r = random() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries[entries.length - 1]![0];
  };
  const newId = (prefix: string) => {
    let s = '';
    for (let i = 0; i < 10; i++)
      s += '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(random() * 36)];
    return `${prefix}_${s}`;
  };
  const iso = (offsetMs = 0) => new Date(now() + offsetMs).toISOString();

  // ---- the world ----
  const rooms: Room[] = INITIAL_ROOMS.map((name) => ({
    id: newId('room'),
    name,
    members: new Set(USERS.filter(() => chance(0.6))),
  }));
  const recentMessages: Message[] = [];
  const openAlerts: Alert[] = [];
  const runningScans: Scan[] = [];
  const pendingReports: Report[] = [];
  const identities: Identity[] = [];
  const verifications: Verification[] = [];
  const reputation = new Map(USERS.map((u) => [u, between(40, 90)]));
  const status = new Map(COMPONENTS.map((c) => [c, 'operational']));
  let maintenance: Maintenance | null = null;
  const metricValues = new Map<string, number>();

  const remember = <T>(list: T[], item: T, max: number) => {
    list.push(item);
    if (list.length > max) list.shift();
  };
  const takeRandom = <T>(list: T[]): T => list.splice(Math.floor(random() * list.length), 1)[0]!;

  function message(): DemoEvent {
    const kind = recentMessages.length
      ? weighted({ created: 75, updated: 13, deleted: 12 })
      : 'created';
    if (kind === 'created') {
      const room = pick(rooms);
      const sender = room.members.size ? pick([...room.members]) : pick(USERS);
      const msg: Message = {
        id: newId('msg'),
        room,
        senderId: userId(sender),
        senderName: sender,
      };
      remember(recentMessages, msg, 50);
      return {
        event: 'message.created',
        data: {
          id: msg.id,
          roomId: room.id,
          roomName: room.name,
          senderId: msg.senderId,
          senderName: sender,
          content: pick(MESSAGE_LINES),
          messageType: weighted({ text: 90, image: 6, file: 4 }),
          createdAt: iso(),
          metadata: { priority: chance(0.1) ? 'high' : 'normal', encrypted: chance(0.7) },
        },
      };
    }
    if (kind === 'updated') {
      const msg = pick(recentMessages);
      return {
        event: 'message.updated',
        data: {
          id: msg.id,
          roomId: msg.room.id,
          roomName: msg.room.name,
          senderId: msg.senderId,
          senderName: msg.senderName,
          content: `${pick(MESSAGE_LINES)} (edited)`,
          updatedAt: iso(),
          editedBy: msg.senderName,
        },
      };
    }
    const msg = takeRandom(recentMessages);
    return {
      event: 'message.deleted',
      data: {
        id: msg.id,
        roomId: msg.room.id,
        roomName: msg.room.name,
        deletedBy: chance(0.7) ? msg.senderName : pick(USERS),
        deletedAt: iso(),
      },
    };
  }

  function room(): DemoEvent {
    const kind = weighted({ created: 10, updated: 15, joined: 40, left: 35 });
    if (kind === 'created' || rooms.length === 0) {
      const creator = pick(USERS);
      const r: Room = {
        id: newId('room'),
        name: `${pick(['incident', 'project', 'team', 'launch'])}-${between(100, 999)}`,
        members: new Set([creator]),
      };
      remember(rooms, r, 12);
      return {
        event: 'room.created',
        data: {
          id: r.id,
          name: r.name,
          createdBy: creator,
          visibility: chance(0.6) ? 'public' : 'private',
          createdAt: iso(),
        },
      };
    }
    const r = pick(rooms);
    if (kind === 'updated') {
      const changes = ['topic', 'visibility', 'retention', 'avatar'].filter(() => chance(0.4));
      return {
        event: 'room.updated',
        data: {
          id: r.id,
          name: r.name,
          changes: changes.length ? changes : ['topic'],
          updatedBy: pick(USERS),
          updatedAt: iso(),
        },
      };
    }
    const outside = USERS.filter((u) => !r.members.has(u));
    if (kind === 'joined' || r.members.size === 0) {
      const user = outside.length ? pick(outside) : pick(USERS);
      r.members.add(user);
      return {
        event: 'room.member.joined',
        data: {
          roomId: r.id,
          roomName: r.name,
          userId: userId(user),
          userName: user,
          role: weighted({ member: 85, moderator: 10, admin: 5 }),
          joinedAt: iso(),
        },
      };
    }
    const user = pick([...r.members]);
    r.members.delete(user);
    return {
      event: 'room.member.left',
      data: {
        roomId: r.id,
        roomName: r.name,
        userId: userId(user),
        userName: user,
        reason: weighted({ left: 80, kicked: 15, banned: 5 }),
        leftAt: iso(),
      },
    };
  }

  function trust(): DemoEvent {
    const kind = weighted({ identity: 30, verification: 30, reputation: 40 });
    if (kind === 'identity') {
      if (identities.length && chance(0.4)) {
        const idn = pick(identities);
        return {
          event: 'trust.identity.updated',
          data: {
            id: idn.id,
            userId: userId(idn.userName),
            userName: idn.userName,
            provider: idn.provider,
            status: weighted({ active: 50, revoked: 25, expired: 25 }),
            updatedAt: iso(),
          },
        };
      }
      const user = pick(USERS);
      const idn: Identity = {
        id: newId('idn'),
        userName: user,
        provider: pick(['email', 'phone', 'pgp', 'webauthn']),
      };
      remember(identities, idn, 30);
      return {
        event: 'trust.identity.created',
        data: {
          id: idn.id,
          userId: userId(user),
          userName: user,
          provider: idn.provider,
          createdAt: iso(),
        },
      };
    }
    if (kind === 'verification') {
      if (verifications.length && chance(0.45)) {
        const ver = takeRandom(verifications);
        return {
          event: 'trust.verification.updated',
          data: {
            id: ver.id,
            verifierName: ver.verifierName,
            subjectName: ver.subjectName,
            status: weighted({ confirmed: 70, rejected: 15, expired: 15 }),
            updatedAt: iso(),
          },
        };
      }
      const verifier = pick(USERS);
      const subject = pick(USERS.filter((u) => u !== verifier));
      const ver: Verification = { id: newId('ver'), verifierName: verifier, subjectName: subject };
      remember(verifications, ver, 30);
      return {
        event: 'trust.verification.created',
        data: {
          id: ver.id,
          verifierName: verifier,
          subjectName: subject,
          method: pick(['in_person', 'video', 'key_fingerprint']),
          createdAt: iso(),
        },
      };
    }
    const user = pick(USERS);
    const previousScore = reputation.get(user) ?? 50;
    const score = Math.max(0, Math.min(100, previousScore + between(-8, 8)));
    reputation.set(user, score);
    return {
      event: 'trust.reputation.updated',
      data: {
        userId: userId(user),
        userName: user,
        score,
        previousScore,
        reason: pick(REPUTATION_REASONS),
      },
    };
  }

  function metric(): DemoEvent {
    const m = pick(METRICS);
    const where = pick(SERVERS);
    const key = `${m.name}@${where.server}`;
    const previous = metricValues.get(key) ?? m.start * (0.7 + random() * 0.6);
    const walked = Math.max(m.min, Math.min(m.max, previous + (random() * 2 - 1) * m.step));
    metricValues.set(key, walked);
    const value = m.unit === 'count' ? Math.round(walked) : Math.round(walked * 10) / 10;
    return {
      event: 'analytics.metric.updated',
      data: {
        name: m.name,
        value,
        unit: m.unit,
        timestamp: iso(),
        metadata: { server: where.server, region: where.region },
      },
    };
  }

  function report(): DemoEvent {
    if (pendingReports.length && chance(0.5)) {
      const rep = takeRandom(pendingReports);
      return {
        event: 'analytics.report.completed',
        data: {
          id: rep.id,
          name: rep.name,
          period: rep.period,
          url: `https://reports.katya.example/${rep.id}`,
          rows: between(10, 50_000),
          durationMs: Math.max(1, now() - rep.createdAt),
          completedAt: iso(),
        },
      };
    }
    const rep: Report = {
      id: newId('rep'),
      name: pick(REPORTS),
      period: weighted({ daily: 50, weekly: 35, monthly: 15 }),
      createdAt: now(),
    };
    remember(pendingReports, rep, 10);
    return {
      event: 'analytics.report.created',
      data: {
        id: rep.id,
        name: rep.name,
        period: rep.period,
        requestedBy: pick(USERS),
        createdAt: iso(),
      },
    };
  }

  function alert(): DemoEvent {
    if (openAlerts.length && chance(0.35)) {
      const index = Math.floor(random() * openAlerts.length);
      const a = openAlerts[index]!;
      const nextStatus = weighted({ acknowledged: 50, resolved: 50 });
      if (nextStatus === 'resolved') openAlerts.splice(index, 1);
      // Now and then an investigation raises the severity.
      if (nextStatus === 'acknowledged' && a.severity !== 'critical' && chance(0.15)) {
        a.severity =
          a.severity === 'low' ? 'medium' : a.severity === 'medium' ? 'high' : 'critical';
      }
      return {
        event: 'security.alert.updated',
        data: {
          id: a.id,
          title: a.title,
          severity: a.severity,
          status: nextStatus,
          updatedBy: pick(USERS),
          updatedAt: iso(),
          category: a.category,
          source: a.source,
        },
      };
    }
    const category = pick(Object.keys(ALERTS));
    const a: Alert = {
      id: newId('alert'),
      title: pick(ALERTS[category]!),
      severity: weighted({ low: 35, medium: 35, high: 21, critical: 9 }),
      category,
      source: chance(0.6)
        ? `${pick(['192.168.1', '10.0.4', '203.0.113', '198.51.100'])}.${between(2, 254)}`
        : pick(SERVERS).server,
    };
    remember(openAlerts, a, 20);
    const metadata: Record<string, unknown> =
      category === 'authentication'
        ? { userId: userId(pick(USERS)), attempts: between(3, 40), timeWindow: '5m' }
        : { detector: pick(['ids', 'siem', 'edr', 'config-audit']) };
    return {
      event: 'security.alert.created',
      data: {
        id: a.id,
        title: a.title,
        description: ALERT_DESCRIPTIONS[category],
        severity: a.severity,
        category,
        source: a.source,
        createdAt: iso(),
        metadata,
      },
    };
  }

  function scan(): DemoEvent {
    if (runningScans.length && chance(0.6)) {
      const s = takeRandom(runningScans);
      const findings = chance(0.4) ? 0 : between(1, 25);
      return {
        event: 'security.scan.completed',
        data: {
          id: s.id,
          target: s.target,
          scanType: s.scanType,
          findings,
          highestSeverity:
            findings === 0 ? null : weighted({ low: 40, medium: 35, high: 18, critical: 7 }),
          durationMs: Math.max(1, now() - s.startedAt),
          completedAt: iso(),
        },
      };
    }
    const s: Scan = {
      id: newId('scan'),
      target: pick(SCAN_TARGETS),
      scanType: pick(['vulnerability', 'malware', 'configuration']),
      startedAt: now(),
    };
    remember(runningScans, s, 10);
    return {
      event: 'security.scan.started',
      data: {
        id: s.id,
        target: s.target,
        scanType: s.scanType,
        startedBy: chance(0.5) ? 'scheduler' : pick(USERS),
        startedAt: iso(),
      },
    };
  }

  function systemStatus(): DemoEvent {
    const component = pick(COMPONENTS);
    const previousStatus = status.get(component) ?? 'operational';
    const next =
      previousStatus === 'operational'
        ? weighted({ degraded: 65, partial_outage: 27, major_outage: 8 })
        : weighted({ operational: 70, degraded: 15, partial_outage: 10, major_outage: 5 });
    const newStatus = next === previousStatus ? 'operational' : next;
    status.set(component, newStatus);
    return {
      event: 'system.status.changed',
      data: {
        status: newStatus,
        previousStatus,
        component,
        message: `${component}: ${STATUS_MESSAGES[newStatus]}`,
        changedAt: iso(),
      },
    };
  }

  function maintenanceWindow(): DemoEvent {
    if (maintenance) {
      const m = maintenance;
      maintenance = null;
      return {
        event: 'system.maintenance.end',
        data: {
          id: m.id,
          title: m.title,
          endedAt: iso(),
          outcome: weighted({ completed: 80, extended: 10, cancelled: 10 }),
        },
      };
    }
    const plan = pick(MAINTENANCE);
    maintenance = { id: newId('mnt'), title: plan.title };
    return {
      event: 'system.maintenance.start',
      data: {
        id: maintenance.id,
        title: plan.title,
        description: `Planned work: ${plan.title.toLowerCase()}. Short interruptions are possible.`,
        components: plan.components,
        startsAt: iso(),
        expectedEndAt: iso(between(30, 120) * 60_000),
      },
    };
  }

  // How often each part of the world speaks: chat and metrics dominate, as on a real server.
  const sources = {
    message,
    metric,
    room,
    trust,
    alert,
    scan,
    report,
    systemStatus,
    maintenanceWindow,
  };
  const weights: Record<keyof typeof sources, number> = {
    message: 28,
    metric: 28,
    room: 8,
    trust: 8,
    alert: 11,
    scan: 6,
    report: 5,
    systemStatus: 4,
    maintenanceWindow: 2,
  };
  return { next: () => sources[weighted(weights)]() };
}
