import { Injectable } from '@nestjs/common';
import { store } from './kv';

@Injectable()
export class OrdersService {
  async reserve(orderId: string): Promise<boolean> {
    const ok = await store.set(`lock:order:${orderId}`, '1', 'EX', 30, 'NX');
    return ok === 'OK';
  }

  async recent(): Promise<string[]> {
    return store.lrange('orders:recent', 0, 49);
  }
}
