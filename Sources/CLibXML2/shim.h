#ifndef R53HOOK_CLIBXML2_SHIM_H
#define R53HOOK_CLIBXML2_SHIM_H

/* Debian builds libxml2 with ICU, and its headers would then pull in ICU's own headers, whose
   types (UErrorCode, ...) clash with the copy inside Foundation's module. r53hook uses no ICU
   feature of libxml2, so the headers are read as if it had none. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* Swallows libxml2's diagnostics, which would otherwise go to stderr; callers report errors. */
static void r53_xml_ignore_structured_error(void *context, xmlErrorPtr error) {
    (void)context;
    (void)error;
}

static inline void r53_xml_silence_errors(void) {
    xmlSetStructuredErrorFunc(NULL, r53_xml_ignore_structured_error);
}

/* xmlFree is a global function pointer, which Swift 6 sees as shared mutable state. */
static inline void r53_xml_free(void *pointer) {
    xmlFree(pointer);
}

#endif
