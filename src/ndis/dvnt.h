/* dmaviz: the base NT names a DDK-era miniport uses besides NDIS's own (in the DDK they come
 * from ntddk.h or miniport.h through ndis.h): the fixed-size types, NTSTATUS and its usual
 * values, the SAL and IN/OUT annotations, ASSERT and the debug print, the Rtl memory macros,
 * doubly linked lists, UNICODE_STRING and the driver object. ndis.h includes this header; a
 * driver includes only ndis.h.
 *
 * The sizes are those of 32-bit Windows, which dmaviz's card and 8237A belong to: ULONG and
 * LONG are 32 bits on every host.
 */
#ifndef DV_NT_H
#define DV_NT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- types ------------------------------------------------------------------------------ */

typedef void VOID;
typedef void *PVOID, **PPVOID;
typedef char CHAR, *PCHAR, *PSTR;
typedef const char *PCSTR;
typedef uint8_t UCHAR, *PUCHAR;
typedef uint8_t BOOLEAN, *PBOOLEAN;
typedef int16_t SHORT, *PSHORT;
typedef uint16_t USHORT, *PUSHORT;
typedef int32_t LONG, *PLONG;
typedef uint32_t ULONG, *PULONG;
typedef int INT, *PINT;
typedef uint32_t UINT, *PUINT;
typedef int64_t LONGLONG, *PLONGLONG;
typedef uint64_t ULONGLONG, *PULONGLONG;
typedef uintptr_t ULONG_PTR, *PULONG_PTR;
typedef intptr_t LONG_PTR;
typedef uint8_t KIRQL, *PKIRQL;
typedef LONG NTSTATUS;
typedef uint16_t WCHAR, *PWCHAR, *PWSTR;
typedef const uint16_t *PCWSTR;

#ifndef TRUE
#define TRUE 1
#define FALSE 0
#endif

/* A 64-bit value as its halves too (the anonymous struct is how the DDK declares it). */
typedef union _LARGE_INTEGER {
	struct {
		ULONG LowPart;
		LONG HighPart;
	};
	struct {
		ULONG LowPart;
		LONG HighPart;
	} u;
	LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER, PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

typedef union _ULARGE_INTEGER {
	struct {
		ULONG LowPart;
		ULONG HighPart;
	};
	struct {
		ULONG LowPart;
		ULONG HighPart;
	} u;
	ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

/* ---- NTSTATUS (ntstatus.h) --------------------------------------------------------------- */

#define STATUS_SUCCESS ((NTSTATUS)0x00000000)
#define STATUS_PENDING ((NTSTATUS)0x00000103)
#define STATUS_BUFFER_OVERFLOW ((NTSTATUS)(int32_t)0x80000005u)
#define STATUS_UNSUCCESSFUL ((NTSTATUS)(int32_t)0xC0000001u)
#define STATUS_NOT_IMPLEMENTED ((NTSTATUS)(int32_t)0xC0000002u)
#define STATUS_INVALID_PARAMETER ((NTSTATUS)(int32_t)0xC000000Du)
#define STATUS_INVALID_DEVICE_REQUEST ((NTSTATUS)(int32_t)0xC0000010u)
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)(int32_t)0xC000009Au)
#define STATUS_NOT_SUPPORTED ((NTSTATUS)(int32_t)0xC00000BBu)
#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)

/* ---- IRQL ------------------------------------------------------------------------------ */

#define PASSIVE_LEVEL 0
#define LOW_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define HIGH_LEVEL 31

/* ---- annotations: they document, the compiler ignores them ------------------------------- */

#ifndef IN
#define IN
#define OUT
#define OPTIONAL
#endif
#define NTAPI
#define NDIS_API
#define FORCEINLINE static inline
#ifndef _In_
#define _In_
#define _In_opt_
#define _Out_
#define _Out_opt_
#define _Inout_
#define _Inout_opt_
#define _In_reads_(n)
#define _In_reads_bytes_(n)
#define _Out_writes_(n)
#define _Out_writes_bytes_(n)
#define _Out_writes_bytes_to_(n, m)
#define _Inout_updates_bytes_(n)
#define _Must_inspect_result_
#define _Success_(e)
#define _When_(e, a)
#define _Use_decl_annotations_
#define _Function_class_(f)
#define _IRQL_requires_(i)
#define _IRQL_requires_max_(i)
#define _IRQL_requires_min_(i)
#define _IRQL_raises_(i)
#define _IRQL_saves_
#define _IRQL_restores_
#define _Requires_lock_held_(l)
#define _Requires_lock_not_held_(l)
#define _Acquires_lock_(l)
#define _Releases_lock_(l)
#define __in
#define __in_opt
#define __out
#define __out_opt
#define __inout
#define __inout_opt
#endif

/* ---- helpers ----------------------------------------------------------------------------- */

#define UNREFERENCED_PARAMETER(P) ((void)(P))
#define ARGUMENT_PRESENT(P) ((P) != NULL)
#define FIELD_OFFSET(Type, Field) ((LONG)offsetof(Type, Field))
/* The structure that holds Address as its member Field (a LIST_ENTRY in a driver's packet
 * context, say). */
#define CONTAINING_RECORD(Address, Type, Field) ((Type *)((PCHAR)(Address)-offsetof(Type, Field)))

/* The Rtl memory macros work on the driver's own memory. Memory DMA can reach lives in the
 * simulated PC (ndis.h): copy it with NdisMoveMemory, never with these. */
#define RtlCopyMemory(Destination, Source, Length) __builtin_memcpy(Destination, Source, Length)
#define RtlMoveMemory(Destination, Source, Length) __builtin_memmove(Destination, Source, Length)
#define RtlFillMemory(Destination, Length, Fill) __builtin_memset(Destination, Fill, Length)
#define RtlZeroMemory(Destination, Length) __builtin_memset(Destination, 0, Length)
#define RtlEqualMemory(Source1, Source2, Length) (!__builtin_memcmp(Source1, Source2, Length))

/* ---- doubly and singly linked lists (the DDK's inline functions) -------------------------- */

typedef struct _LIST_ENTRY {
	struct _LIST_ENTRY *Flink;
	struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

typedef struct _SINGLE_LIST_ENTRY {
	struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;

FORCEINLINE VOID InitializeListHead(PLIST_ENTRY ListHead)
{
	ListHead->Flink = ListHead->Blink = ListHead;
}

FORCEINLINE BOOLEAN IsListEmpty(const LIST_ENTRY *ListHead)
{
	return (BOOLEAN)(ListHead->Flink == ListHead);
}

/* TRUE when the list is empty afterwards. */
FORCEINLINE BOOLEAN RemoveEntryList(PLIST_ENTRY Entry)
{
	PLIST_ENTRY Flink = Entry->Flink, Blink = Entry->Blink;
	Blink->Flink = Flink;
	Flink->Blink = Blink;
	return (BOOLEAN)(Flink == Blink);
}

FORCEINLINE PLIST_ENTRY RemoveHeadList(PLIST_ENTRY ListHead)
{
	PLIST_ENTRY Entry = ListHead->Flink;
	RemoveEntryList(Entry);
	return Entry;
}

FORCEINLINE PLIST_ENTRY RemoveTailList(PLIST_ENTRY ListHead)
{
	PLIST_ENTRY Entry = ListHead->Blink;
	RemoveEntryList(Entry);
	return Entry;
}

FORCEINLINE VOID InsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
	PLIST_ENTRY Blink = ListHead->Blink;
	Entry->Flink = ListHead;
	Entry->Blink = Blink;
	Blink->Flink = Entry;
	ListHead->Blink = Entry;
}

FORCEINLINE VOID InsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
	PLIST_ENTRY Flink = ListHead->Flink;
	Entry->Flink = Flink;
	Entry->Blink = ListHead;
	Flink->Blink = Entry;
	ListHead->Flink = Entry;
}

FORCEINLINE PSINGLE_LIST_ENTRY PopEntryList(PSINGLE_LIST_ENTRY ListHead)
{
	PSINGLE_LIST_ENTRY First = ListHead->Next;
	if (First)
		ListHead->Next = First->Next;
	return First;
}

FORCEINLINE VOID PushEntryList(PSINGLE_LIST_ENTRY ListHead, PSINGLE_LIST_ENTRY Entry)
{
	Entry->Next = ListHead->Next;
	ListHead->Next = Entry;
}

/* ---- strings and the driver object -------------------------------------------------------- */

typedef struct _UNICODE_STRING {
	USHORT Length;        /* bytes, without a terminating 0 */
	USHORT MaximumLength; /* bytes */
	PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;

typedef struct _ANSI_STRING {
	USHORT Length;
	USHORT MaximumLength;
	PCHAR Buffer;
} ANSI_STRING, *PANSI_STRING;

/* The I/O manager's objects: a miniport only passes them on (DriverEntry's DriverObject and
 * RegistryPath go to NdisMInitializeWrapper), so they stay incomplete here. dmaviz calls
 * DriverEntry with NULL for both. */
typedef struct _DRIVER_OBJECT DRIVER_OBJECT, *PDRIVER_OBJECT;
typedef struct _DEVICE_OBJECT DEVICE_OBJECT, *PDEVICE_OBJECT;

/* ---- debugging ------------------------------------------------------------------------- */

/* DBG is 1 in a checked build (the DDK's "checked build environment"), 0 in a free one. */
#ifndef DBG
#define DBG 0
#endif

/* DbgPrint writes to the driver host's standard error (docs/driver-sdk.md: what a driver
 * prints); it returns STATUS_SUCCESS. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
ULONG DbgPrint(PCSTR Format, ...);

/* A failed ASSERT and DbgBreakPoint stop the run where they happened, as a checked build with
 * no kernel debugger attached stops the machine: the trace records the call with the driver's
 * file and line, and the run ends with the assertion's text. */
VOID RtlAssertAt(const char *FailedAssertion, const char *Message, const char *File, int Line);
#define RtlAssert(_Assertion, _File, _Line, _Message)                                              \
	RtlAssertAt((const char *)(_Assertion), (const char *)(_Message), (const char *)(_File),   \
	            (int)(_Line))
VOID DbgBreakPointAt(const char *File, int Line);
#define DbgBreakPoint() DbgBreakPointAt(__FILE__, __LINE__)

#if DBG
#define ASSERT(_Exp) ((void)((_Exp) ? 0 : (RtlAssertAt(#_Exp, NULL, __FILE__, __LINE__), 0)))
#define ASSERTMSG(_Msg, _Exp)                                                                      \
	((void)((_Exp) ? 0 : (RtlAssertAt(#_Exp, _Msg, __FILE__, __LINE__), 0)))
#define KdPrint(_Args) ((void)DbgPrint _Args)
#define KdBreakPoint() DbgBreakPoint()
#else
#define ASSERT(_Exp) ((void)0)
#define ASSERTMSG(_Msg, _Exp) ((void)0)
#define KdPrint(_Args) ((void)0)
#define KdBreakPoint() ((void)0)
#endif

#ifdef __cplusplus
}
#endif

#endif
