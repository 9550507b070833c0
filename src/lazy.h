/* Wrappers of a shared library's functions that load the library on
 * first use (systemd-lazy.c, mount-lazy.c), so that a run which never
 * calls them never pays for loading it. Not thread-safe on first use. */
#pragma once

#include <dlfcn.h>
#include <stddef.h>

/* The symbol, from the library opened once into *handle; NULL if either
 * is missing. */
static inline void *lazy_symbol(const char *soname, void **handle, const char *name)
{
	if (!*handle)
		*handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	return *handle ? dlsym(*handle, name) : NULL;
}

/* One wrapper with the signature its library's header declares: the real
 * function, looked up once, or fail without it. LIB is a function
 * returning the symbol of a name. */
#define LAZY(lib, ret, name, params, args, fail)                               \
	ret name params                                                        \
	{                                                                      \
		static __typeof__(name) *fn;                                   \
		if (!fn)                                                       \
			fn = (__typeof__(name) *)lib(#name);                  \
		return fn ? fn args : (fail);                                  \
	}

/* The same for a function that returns nothing. */
#define LAZY_VOID(lib, name, params, args)                                     \
	void name params                                                       \
	{                                                                      \
		static __typeof__(name) *fn;                                   \
		if (!fn)                                                       \
			fn = (__typeof__(name) *)lib(#name);                  \
		if (fn)                                                        \
			fn args;                                               \
	}
