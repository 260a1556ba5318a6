// In-memory stand-in for the product database.
const products = new Map();
module.exports = {
  products: {
    async find(id) { return products.get(id); },
    async findAll() { return [...products.values()]; },
  },
};
