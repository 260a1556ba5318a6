import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';

@Processor('orders')
export class OrdersProcessor extends WorkerHost {
  async process(job: Job): Promise<void> {
    console.log('processing', job.id);
  }
}
