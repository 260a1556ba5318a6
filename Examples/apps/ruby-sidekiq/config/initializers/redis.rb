# One connection for the app, configured from the environment.
$redis = Redis.new(url: ENV.fetch("REDIS_URL", "redis://localhost:6379/0"))

Sidekiq.configure_server do |config|
  config.redis = { url: ENV.fetch("SIDEKIQ_REDIS_URL", "redis://localhost:6379/1") }
end
