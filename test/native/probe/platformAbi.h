/* The fixed part of the probe test/native/platformAbi.test.ts builds: it
 * brings in Microsoft's own dbgeng.h and dbghelp.h (from the NuGet package
 * Microsoft.Debugging.Platform.DbgEng that setup fetches; the test puts its
 * build/native/inc on the include path with -isystem) under mingw-w64, and
 * defines the one function the generated main() reports with. The test
 * generates main() from the TypeScript tables (slots.ts, layouts.ts, ...),
 * so nothing here lists a method, a struct or a field.
 *
 * The package's headers are never edited. What mingw-w64 lacks that they
 * need is supplied here, each with its reason:
 *
 *  1. _Analysis_noreturn_: a SAL annotation (for the static analyser only;
 *     it changes no type, size or layout) that dbgeng.h puts before
 *     IDebugEventCallbacks(Wide)::ExitProcess. mingw-w64's sal.h defines
 *     the other SAL annotations the two headers use, but not this one, and
 *     an unknown word there is a syntax error. Defined empty, as the SDK's
 *     own sal.h defines it for every compiler but the analyser.
 *
 *  2. <minidumpapiset.h>: dbghelp.h includes it last, for MiniDumpWriteDump
 *     and the MINIDUMP_* types. It is a Windows SDK header that neither the
 *     package nor mingw-w64 ships (mingw-w64 declares those types inside its
 *     own dbghelp.h, which cannot be included beside Microsoft's: the same
 *     include guard). test/native/probe/platform-shims/minidumpapiset.h is an
 *     empty stand-in; the engines use no MINIDUMP_* type (a dump is opened
 *     by IDebugClient::OpenDumpFileWide), and nothing measured here comes
 *     from it. The test checks, from the compiler's dependency list, that
 *     dbgeng.h and dbghelp.h are the package's and minidumpapiset.h is this
 *     stand-in.
 *
 * Considered and not needed:
 *  - CINTERFACE: in C, objbase.h's DECLARE_INTERFACE_ always gives the C
 *    form (struct IXxx { const IXxxVtbl *lpVtbl; } and a struct IXxxVtbl of
 *    function pointers, IUnknown's three first), which is what offsetof
 *    measures; defined anyway, so that a C++ build of this probe would get
 *    the same form instead of classes.
 *  - COBJMACROS: it only adds IXxx_Method(This, ...) call macros; the probe
 *    calls no method.
 *  - SAL generally, __declspec, DECLSPEC_IMPORT: mingw-w64's sal.h and
 *    headers cover every other annotation the two headers use, and their
 *    __declspec(deprecated) is behind _MSC_VER.
 *  - WINAPI_FAMILY_PARTITION: mingw-w64's winapifamily.h lacks
 *    WINAPI_PARTITION_PKG_WER, _GAMES and _SYSTEM (and Microsoft's
 *    NONGAMESPARTITIONS is defined by dbghelp.h itself); an undefined name
 *    in #if is 0, and every partition test in the two headers also names
 *    DESKTOP or APP, which mingw-w64's desktop family has, so every block is
 *    compiled in, as with the SDK for a desktop program. (A block left out
 *    would show up here as an unknown struct or vtable, a build error.)
 *  - #pragma region / #pragma warning: MSVC pragmas gcc ignores; -isystem
 *    keeps gcc's warnings about them (and anything else in those headers)
 *    out of the probe's -Wall -Werror.
 *  - Packing: dbghelp.h packs with <pshpack8.h>/<poppack.h>, which mingw-w64
 *    has; dbgeng.h uses the default (natural) alignment, gcc's and MSVC's
 *    alike on x64.
 */
#ifndef PLATFORM_ABI_H
#define PLATFORM_ABI_H

#ifndef _Analysis_noreturn_
#define _Analysis_noreturn_
#endif

#ifndef CINTERFACE
#define CINTERFACE
#endif

#include <windows.h>
/* After windows.h, before dbgeng.h: DEFINE_GUID then defines each IID_*
 * (instead of only declaring it), so the probe can print their values. */
#include <initguid.h>
#include <dbgeng.h>
#include <dbghelp.h>

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

/* One line per measurement: kind, two names, a number; tab-separated, so
 * the test can split it without guessing. */
static void report(const char *kind, const char *a, const char *b, long long value)
{
    printf("%s\t%s\t%s\t%" PRId64 "\n", kind, a, b, (int64_t)value);
}

/* An IID, in the lower-case 8-4-4-4-12 form slots.ts writes. */
static void report_iid(const char *name, const GUID *g)
{
    printf("iid\t%s\t\t%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x\n", name, (unsigned long)g->Data1,
           g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
           g->Data4[6], g->Data4[7]);
}

#endif
