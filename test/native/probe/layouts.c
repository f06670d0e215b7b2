/* Layout probe for native/win32/layouts.ts.
 *
 * Prints one JSON object on stdout: for each entry of the Layouts table,
 * sizeof/alignof/offsetof as the real mingw-w64 headers see them. The
 * compiler does the arithmetic, so these numbers are the ground truth that
 * test/native/layouts.test.ts compares the hand-written table against.
 *
 * Rules that keep it honest:
 *  - Entry and key names are exactly the keys of layouts.ts (`size`, `align`,
 *    field names). Where mingw spells a field differently from the Windows
 *    SDK, the SDK name (the one layouts.ts uses) is the key and the mingw
 *    member is what is measured; each such case says so.
 *  - DEBUG_EVENT's union members are measured where the code reads them: as
 *    offsetof(DEBUG_EVENT, u.<member>.<field>) - offsetof(DEBUG_EVENT, u),
 *    i.e. relative to the start of the union.
 *  - It may report more than layouts.ts has (every struct gets `size`); the
 *    test checks that every key layouts.ts has is reported here, and equal.
 */
#define _WIN32_WINNT 0x0A00
#include <windows.h>
#include <dbghelp.h>
#include <stddef.h>
#include <stdio.h>

static int first_entry = 1;
static int first_field;

static void begin(const char *name)
{
    printf("%s\n  \"%s\": {", first_entry ? "{" : ",", name);
    first_entry = 0;
    first_field = 1;
}

static void field(const char *name, size_t value)
{
    printf("%s\"%s\": %u", first_field ? "" : ", ", name, (unsigned)value);
    first_field = 0;
}

static void end(void)
{
    printf("}");
}

/* F: field of a struct; U: field of a DEBUG_EVENT union member, relative to
 * the union's start. */
#define SIZE(T) field("size", sizeof(T))
#define ALIGN(T) field("align", __alignof__(T))
#define F(T, m) field(#m, offsetof(T, m))
#define U(member, m) field(#m, offsetof(DEBUG_EVENT, u.member.m) - offsetof(DEBUG_EVENT, u))

int main(void)
{
    begin("CONTEXT");
    SIZE(CONTEXT);
    ALIGN(CONTEXT);
    F(CONTEXT, ContextFlags);
    F(CONTEXT, SegCs);
    F(CONTEXT, EFlags);
    F(CONTEXT, Dr0);
    F(CONTEXT, Dr7);
    F(CONTEXT, Rax);
    F(CONTEXT, Rcx);
    F(CONTEXT, Rdx);
    F(CONTEXT, Rbx);
    F(CONTEXT, Rsp);
    F(CONTEXT, Rbp);
    F(CONTEXT, Rsi);
    F(CONTEXT, Rdi);
    F(CONTEXT, R8);
    F(CONTEXT, R9);
    F(CONTEXT, R10);
    F(CONTEXT, R11);
    F(CONTEXT, R12);
    F(CONTEXT, R13);
    F(CONTEXT, R14);
    F(CONTEXT, R15);
    F(CONTEXT, Rip);
    end();

    begin("DEBUG_EVENT");
    SIZE(DEBUG_EVENT);
    ALIGN(DEBUG_EVENT);
    F(DEBUG_EVENT, dwDebugEventCode);
    F(DEBUG_EVENT, dwProcessId);
    F(DEBUG_EVENT, dwThreadId);
    F(DEBUG_EVENT, u);
    end();

    /* layouts.ts calls it EXCEPTION_RECORD64, but what WaitForDebugEvent
     * writes into EXCEPTION_DEBUG_INFO on x64 is EXCEPTION_RECORD (which has
     * the same shape as EXCEPTION_RECORD64 there). Measure the real one, at
     * the place the code reads it: DEBUG_EVENT.u.Exception.ExceptionRecord. */
    begin("EXCEPTION_RECORD64");
    SIZE(EXCEPTION_RECORD);
    U(Exception.ExceptionRecord, ExceptionCode);
    U(Exception.ExceptionRecord, ExceptionFlags);
    U(Exception.ExceptionRecord, ExceptionAddress);
    U(Exception.ExceptionRecord, NumberParameters);
    U(Exception.ExceptionRecord, ExceptionInformation);
    end();

    begin("EXCEPTION_DEBUG_INFO");
    SIZE(EXCEPTION_DEBUG_INFO);
    U(Exception, dwFirstChance);
    end();

    begin("CREATE_PROCESS_DEBUG_INFO");
    SIZE(CREATE_PROCESS_DEBUG_INFO);
    U(CreateProcessInfo, hFile);
    U(CreateProcessInfo, hProcess);
    U(CreateProcessInfo, hThread);
    U(CreateProcessInfo, lpBaseOfImage);
    U(CreateProcessInfo, lpStartAddress);
    U(CreateProcessInfo, lpImageName);
    U(CreateProcessInfo, fUnicode);
    end();

    begin("CREATE_THREAD_DEBUG_INFO");
    SIZE(CREATE_THREAD_DEBUG_INFO);
    U(CreateThread, hThread);
    U(CreateThread, lpThreadLocalBase);
    U(CreateThread, lpStartAddress);
    end();

    begin("EXIT_PROCESS_DEBUG_INFO");
    SIZE(EXIT_PROCESS_DEBUG_INFO);
    U(ExitProcess, dwExitCode);
    end();

    begin("LOAD_DLL_DEBUG_INFO");
    SIZE(LOAD_DLL_DEBUG_INFO);
    U(LoadDll, hFile);
    U(LoadDll, lpBaseOfDll);
    U(LoadDll, lpImageName);
    U(LoadDll, fUnicode);
    end();

    begin("UNLOAD_DLL_DEBUG_INFO");
    SIZE(UNLOAD_DLL_DEBUG_INFO);
    U(UnloadDll, lpBaseOfDll);
    end();

    begin("OUTPUT_DEBUG_STRING_INFO");
    SIZE(OUTPUT_DEBUG_STRING_INFO);
    U(DebugString, lpDebugStringData);
    U(DebugString, fUnicode);
    U(DebugString, nDebugStringLength);
    end();

    begin("STARTUPINFOW");
    SIZE(STARTUPINFOW);
    F(STARTUPINFOW, cb);
    F(STARTUPINFOW, dwFlags);
    F(STARTUPINFOW, hStdInput);
    F(STARTUPINFOW, hStdOutput);
    F(STARTUPINFOW, hStdError);
    end();

    begin("PROCESS_INFORMATION");
    SIZE(PROCESS_INFORMATION);
    F(PROCESS_INFORMATION, hProcess);
    F(PROCESS_INFORMATION, hThread);
    F(PROCESS_INFORMATION, dwProcessId);
    F(PROCESS_INFORMATION, dwThreadId);
    end();

    /* layouts.ts names the nested BasicLimitInformation.LimitFlags flat. */
    begin("JOBOBJECT_EXTENDED_LIMIT_INFORMATION");
    SIZE(JOBOBJECT_EXTENDED_LIMIT_INFORMATION);
    field("LimitFlags", offsetof(JOBOBJECT_EXTENDED_LIMIT_INFORMATION, BasicLimitInformation.LimitFlags));
    end();

    begin("ADDRESS64");
    SIZE(ADDRESS64);
    F(ADDRESS64, Offset);
    F(ADDRESS64, Segment);
    F(ADDRESS64, Mode);
    end();

    begin("STACKFRAME_EX");
    SIZE(STACKFRAME_EX);
    F(STACKFRAME_EX, AddrPC);
    F(STACKFRAME_EX, AddrReturn);
    F(STACKFRAME_EX, AddrFrame);
    F(STACKFRAME_EX, AddrStack);
    F(STACKFRAME_EX, AddrBStore);
    F(STACKFRAME_EX, StackFrameSize);
    F(STACKFRAME_EX, InlineFrameContext);
    end();

    begin("SYMBOL_INFOW");
    SIZE(SYMBOL_INFOW);
    F(SYMBOL_INFOW, SizeOfStruct);
    F(SYMBOL_INFOW, TypeIndex);
    /* The SDK calls this member Index; mingw-w64 calls it `info`. */
    field("Index", offsetof(SYMBOL_INFOW, info));
    F(SYMBOL_INFOW, Size);
    F(SYMBOL_INFOW, ModBase);
    F(SYMBOL_INFOW, Flags);
    F(SYMBOL_INFOW, Value);
    F(SYMBOL_INFOW, Address);
    F(SYMBOL_INFOW, Register);
    F(SYMBOL_INFOW, Scope);
    F(SYMBOL_INFOW, Tag);
    F(SYMBOL_INFOW, NameLen);
    F(SYMBOL_INFOW, MaxNameLen);
    F(SYMBOL_INFOW, Name);
    end();

    begin("IMAGEHLP_LINEW64");
    SIZE(IMAGEHLP_LINEW64);
    F(IMAGEHLP_LINEW64, SizeOfStruct);
    F(IMAGEHLP_LINEW64, LineNumber);
    F(IMAGEHLP_LINEW64, FileName);
    F(IMAGEHLP_LINEW64, Address);
    end();

    /* The ANSI twin: Wine 8 has SymEnumLines but not SymEnumLinesW. */
    begin("SRCCODEINFO");
    SIZE(SRCCODEINFO);
    F(SRCCODEINFO, SizeOfStruct);
    F(SRCCODEINFO, ModBase);
    F(SRCCODEINFO, Obj);
    F(SRCCODEINFO, FileName);
    F(SRCCODEINFO, LineNumber);
    F(SRCCODEINFO, Address);
    end();

    begin("SRCCODEINFOW");
    SIZE(SRCCODEINFOW);
    F(SRCCODEINFOW, SizeOfStruct);
    F(SRCCODEINFOW, ModBase);
    F(SRCCODEINFOW, Obj);
    F(SRCCODEINFOW, FileName);
    F(SRCCODEINFOW, LineNumber);
    F(SRCCODEINFOW, Address);
    end();

    /* mingw-w64's struct tag is _IMAGEHLP_MODULE64W; IMAGEHLP_MODULEW64 is
     * its typedef, the SDK's name. */
    begin("IMAGEHLP_MODULEW64");
    SIZE(IMAGEHLP_MODULEW64);
    F(IMAGEHLP_MODULEW64, SizeOfStruct);
    F(IMAGEHLP_MODULEW64, BaseOfImage);
    F(IMAGEHLP_MODULEW64, ImageSize);
    F(IMAGEHLP_MODULEW64, SymType);
    F(IMAGEHLP_MODULEW64, ModuleName);
    F(IMAGEHLP_MODULEW64, ImageName);
    F(IMAGEHLP_MODULEW64, LoadedImageName);
    end();

    printf("\n}\n");
    return 0;
}
