class CartCleanupJob
  include Sidekiq::Job

  def perform
    Sidekiq.redis do |conn|
      conn.del("carts:stale")
      conn.set("cleanup:last_run", Time.now.to_i, ex: 86_400)
    end
  end
end
