/* Empty stand-in for the Windows SDK's <minidumpapiset.h>, which Microsoft's
 * dbghelp.h includes last and which neither the NuGet package nor mingw-w64
 * ships. Only the probe of test/native/platformAbi.test.ts uses it; see
 * test/native/probe/platformAbi.h (shim 2) for why nothing measured there
 * depends on what the real header declares. */
#ifndef PLATFORM_ABI_MINIDUMPAPISET_STANDIN
#define PLATFORM_ABI_MINIDUMPAPISET_STANDIN
#endif
