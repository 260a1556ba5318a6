/* Lua 5.1 for the engine's scripting: the headers, wrappers for lua.h's function-like macros (Swift
 * cannot call macros), and a trampoline so that errors raised for Swift callbacks are raised from C
 * after the Swift frame has returned: lua_error longjmps, and a longjmp across Swift frames is undefined. */
#ifndef INFERA_CLUABRIDGE_H
#define INFERA_CLUABRIDGE_H

#include <lua5.1/lua.h>
#include <lua5.1/lauxlib.h>
#include <lua5.1/lualib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* A Swift callback: runs with the Lua arguments on the stack. Returns the number of results it
 * pushed, or -1 after pushing an error value that the trampoline then raises with lua_error. */
typedef int (*infera_lua_callback)(lua_State *L, void *owner, int op);
/* The busy-script hook: returns non-zero (after pushing an error value) to abort the script. */
typedef int (*infera_lua_hook_callback)(lua_State *L, void *owner);

/* Installs the callbacks (process-wide; the same two functions serve every Lua state). */
void infera_lua_set_callbacks(infera_lua_callback call, infera_lua_hook_callback hook);
/* t[name] = a C closure that forwards to the callback with (owner, op); t is at stack index idx. */
void infera_lua_register(lua_State *L, int idx, const char *name, void *owner, int op);
/* Calls the hook callback every `count` VM instructions (0 removes the hook). */
void infera_lua_set_hook(lua_State *L, int count, void *owner);
/* Opens the libraries Redis loads (base, table, string, math, debug, cjson, bit) and replaces
 * math.random/math.randomseed with Redis's rand48-based versions. Runs protected: returns 0 or a
 * Lua error code. */
int infera_lua_open_libraries(lua_State *L);
/* The struct and cmsgpack libraries (struct.c, cmsgpack.c). */
int infera_luaopen_struct(lua_State *L);
int infera_luaopen_cmsgpack(lua_State *L);
/* Read-only tables (Redis 7.0's lua_enablereadonlytable, emulated with proxies): replaces every
 * library table reachable from the globals by a read-only proxy and installs next/pairs/rawget/
 * rawset/setmetatable/getmetatable that know proxies. Runs protected: returns 0 or a Lua error code. */
int infera_lua_protect_libraries(lua_State *L);
/* Registers the table at `proxy` as a read-only view of the table at `real` (for next/pairs/rawget,
 * and so that rawset/setmetatable refuse it); its metatable must refuse writes itself. */
void infera_lua_mark_readonly(lua_State *L, int proxy, int real);
/* Pushes a read-only proxy of the table at idx (its table fields protected too). */
void infera_lua_push_readonly(lua_State *L, int idx);
/* What getmetatable answers for the read-only proxy at `proxy`: the value at `mt`. */
void infera_lua_set_readonly_metatable(lua_State *L, int proxy, int mt);
/* Formats a Lua number as Redis 7.0's scripts pass it to commands ("%.17g"); returns its length. */
int infera_format_double(double d, char *buf, int size);

/* Pushes the sandbox environment's __index: the real global or Redis's nonexistent-global error. */
void infera_lua_push_env_index(lua_State *L);
/* Redis's deterministic PRNG behind math.random (rand48), seeded with 0 at start. */
void infera_lua_srand48(int32_t seed);

static inline void infera_lua_pop(lua_State *L, int n) { lua_settop(L, -(n) - 1); }
static inline void infera_lua_newtable(lua_State *L) { lua_createtable(L, 0, 0); }
static inline bool infera_lua_isnil(lua_State *L, int i) { return lua_type(L, i) == LUA_TNIL; }
static inline bool infera_lua_istable(lua_State *L, int i) { return lua_type(L, i) == LUA_TTABLE; }
static inline bool infera_lua_isboolean(lua_State *L, int i) { return lua_type(L, i) == LUA_TBOOLEAN; }
static inline void infera_lua_getglobal(lua_State *L, const char *s) { lua_getfield(L, LUA_GLOBALSINDEX, s); }
static inline void infera_lua_setglobal(lua_State *L, const char *s) { lua_setfield(L, LUA_GLOBALSINDEX, s); }
/* t[k] without metamethods (a script's tables may carry metatables that raise). */
static inline void infera_lua_rawgetfield(lua_State *L, int idx, const char *k) {
    if (idx < 0 && idx > LUA_REGISTRYINDEX) idx = lua_gettop(L) + idx + 1;
    lua_pushstring(L, k);
    lua_rawget(L, idx);
}
static inline int infera_lua_globalsindex(void) { return LUA_GLOBALSINDEX; }
static inline int infera_lua_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline const char *infera_lua_tolstring(lua_State *L, int i, size_t *len) { return lua_tolstring(L, i, len); }

#endif
