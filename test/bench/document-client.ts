// A PORT FOR MEASUREMENT ONLY, not a client to use: the Katya document's reference client
// (`KatyaWebSocketClient`, section "Расширенный клиент с переподключением" of
// /work/shared/katya-websocket-api.ru.md), carried to Node with the `ws` package so the ingest
// benchmark can compare our core with what the document offers. Its behaviour is kept as
// written: token in the query string, JSON.parse in onmessage, the handleMessage switch, emit
// to handlers ('event' and the event type), pong without the ping's id, fixed-interval
// reconnection that gives up after 10 tries, console output. Only these changes were made:
// `ws`'s WebSocket instead of the browser's, TypeScript types, and `WebSocket.OPEN` read from
// `ws` (the same constant). Its known faults (no de-duplication, no backoff jitter, gives up,
// token in URLs) are why the app does not use it; they are measured here, not fixed.
import WebSocket from 'ws';

type Handler = (data?: unknown) => void;

interface DocumentClientOptions {
  url?: string;
  token?: string;
  channels?: string[];
  events?: string[];
  autoReconnect?: boolean;
  reconnectInterval?: number;
  maxReconnectAttempts?: number;
}

interface Message {
  type?: string;
  event?: string;
  data?: unknown;
}

export class KatyaWebSocketClient {
  url: string;
  token: string | undefined;
  channels: string[];
  events: string[];
  autoReconnect: boolean;
  reconnectInterval: number;
  maxReconnectAttempts: number;
  ws: WebSocket | null;
  reconnectAttempts: number;
  isConnecting: boolean;
  eventHandlers: Map<string, Handler[]>;

  constructor(options: DocumentClientOptions = {}) {
    this.url = options.url || 'wss://api.katya.wtf/v1/ws';
    this.token = options.token;
    this.channels = options.channels || [];
    this.events = options.events || [];
    this.autoReconnect = options.autoReconnect !== false;
    this.reconnectInterval = options.reconnectInterval || 5000;
    this.maxReconnectAttempts = options.maxReconnectAttempts || 10;

    this.ws = null;
    this.reconnectAttempts = 0;
    this.isConnecting = false;
    this.eventHandlers = new Map();

    this.connect();
  }

  connect() {
    if (this.isConnecting || this.ws?.readyState === WebSocket.OPEN) {
      return;
    }

    this.isConnecting = true;

    try {
      const wsUrl = new URL(this.url);
      if (this.token) {
        wsUrl.searchParams.set('token', this.token);
      }

      this.ws = new WebSocket(wsUrl.toString());
      this.setupEventListeners();
    } catch (error) {
      console.error('Failed to create WebSocket:', error);
      this.isConnecting = false;
      this.scheduleReconnect();
    }
  }

  setupEventListeners() {
    const ws = this.ws!;
    ws.onopen = () => {
      console.log('Connected to Katya WebSocket');
      this.isConnecting = false;
      this.reconnectAttempts = 0;

      // Подписываемся на каналы и события
      if (this.channels.length > 0) {
        this.subscribe(this.channels);
      }

      if (this.events.length > 0) {
        this.subscribeToEvents(this.events);
      }

      this.emit('connected');
    };

    ws.onmessage = (event) => {
      try {
        const message = JSON.parse(event.data as string) as Message;
        this.handleMessage(message);
      } catch (error) {
        console.error('Failed to parse WebSocket message:', error);
      }
    };

    ws.onclose = (event) => {
      console.log('WebSocket closed:', event.code, event.reason);
      this.isConnecting = false;
      this.emit('disconnected', { code: event.code, reason: event.reason });

      if (this.autoReconnect && event.code !== 1000) {
        this.scheduleReconnect();
      }
    };

    ws.onerror = (error) => {
      console.error('WebSocket error:', error);
      this.isConnecting = false;
      this.emit('error', error);
    };
  }

  handleMessage(message: Message) {
    switch (message.type) {
      case 'event':
        this.handleEvent(message);
        break;
      case 'ping':
        this.send({ type: 'pong' });
        break;
      case 'response':
        this.handleResponse(message);
        break;
      case 'error':
        console.error('WebSocket error:', message.data);
        this.emit('error', message.data);
        break;
    }
  }

  handleEvent(message: Message) {
    this.emit('event', message);
    this.emit(message.event as string, message.data);
  }

  handleResponse(message: Message) {
    this.emit('response', message);
  }

  send(data: unknown) {
    if (this.ws?.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(data));
    } else {
      console.warn('WebSocket is not open');
    }
  }

  subscribe(channels: string | string[]) {
    this.send({
      type: 'subscribe',
      channels: Array.isArray(channels) ? channels : [channels],
    });
  }

  unsubscribe(channels: string | string[]) {
    this.send({
      type: 'unsubscribe',
      channels: Array.isArray(channels) ? channels : [channels],
    });
  }

  subscribeToEvents(events: string | string[]) {
    this.send({
      type: 'subscribe',
      events: Array.isArray(events) ? events : [events],
    });
  }

  scheduleReconnect() {
    if (this.reconnectAttempts >= this.maxReconnectAttempts) {
      console.error('Max reconnection attempts reached');
      this.emit('maxReconnectAttemptsReached');
      return;
    }

    this.reconnectAttempts++;
    console.log(`Reconnecting in ${this.reconnectInterval}ms (attempt ${this.reconnectAttempts})`);

    setTimeout(() => {
      this.connect();
    }, this.reconnectInterval);
  }

  // Event emitter methods
  on(event: string, handler: Handler) {
    if (!this.eventHandlers.has(event)) {
      this.eventHandlers.set(event, []);
    }
    this.eventHandlers.get(event)!.push(handler);
  }

  off(event: string, handler: Handler) {
    if (this.eventHandlers.has(event)) {
      const handlers = this.eventHandlers.get(event)!;
      const index = handlers.indexOf(handler);
      if (index > -1) {
        handlers.splice(index, 1);
      }
    }
  }

  emit(event: string, data?: unknown) {
    if (this.eventHandlers.has(event)) {
      this.eventHandlers.get(event)!.forEach((handler) => {
        try {
          handler(data);
        } catch (error) {
          console.error(`Error in event handler for ${event}:`, error);
        }
      });
    }
  }

  close() {
    this.autoReconnect = false;
    if (this.ws) {
      this.ws.close(1000, 'Client closing');
    }
  }
}
