class CartCleanup
  # Mistake: KEYS in production code.
  def stale_carts
    $redis.keys("cart:*")
  end

  # Mistake: a round trip per cart.
  def touch_all(cart_ids)
    cart_ids.each do |id|
      $redis.expire("cart:#{id}", 3600)
    end
  end

  def lock_checkout(order_id)
    $redis.set("lock:checkout:#{order_id}", "1", nx: true, ex: 30)
  end
end
