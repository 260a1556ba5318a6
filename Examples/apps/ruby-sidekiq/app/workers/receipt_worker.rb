class ReceiptWorker
  include Sidekiq::Worker
  sidekiq_options queue: :mailers, retry: 5

  def perform(order_id)
    order = Order.find(order_id)
    ReceiptMailer.with(order: order).deliver_now
    $redis.incr("stats:receipts")
  end
end
