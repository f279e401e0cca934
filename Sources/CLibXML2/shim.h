#ifndef R53HOOK_CLIBXML2_SHIM_H
#define R53HOOK_CLIBXML2_SHIM_H

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
