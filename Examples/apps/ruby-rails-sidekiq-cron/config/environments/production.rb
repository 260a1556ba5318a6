Rails.application.configure do
  config.cache_classes = true
  config.cache_store = :redis_cache_store, { url: ENV.fetch("REDIS_CACHE_URL"), expires_in: 1.hour }
  config.active_job.queue_adapter = :sidekiq
  config.log_level = :info
end
