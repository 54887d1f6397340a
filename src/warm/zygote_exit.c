/*
 * The Perl zygote's quick exit: WarmCGI::Zygote::quick_exit(), an XSUB
 * that a request process calls from the last END block, where perl would
 * go on to global destruction.
 *
 * A cold `perl SCRIPT` ends by destroying the objects still alive
 * (calling their DESTROY methods), closing every handle, then exit().
 * In a request process forked from a zygote, that destruction writes to
 * every glob and object the zygote made (it takes a reference to each
 * glob, and unblesses each object), so each page holding one is copied:
 * about 90 page faults of CGI.pm's 480 a request.  Where destruction
 * could not run any Perl code nor have any effect outside the process,
 * this leaves the way a cold run's last steps would look from outside:
 * STDOUT flushed (a failure reported and counted as perl does), every
 * other PerlIO handle flushed, then exit() with perl's exit status, so
 * that C atexit handlers and stdio still run.  Otherwise it returns and
 * perl destroys as usual.
 *
 * Everything is read before anything is done, and nothing is written
 * while reading: an SV head read is no page copied.
 */

#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"
#include "perliol.h"

#include <stdlib.h>
#include <string.h>

#define QX_STASHES	64	/* classes looked up once each */

struct qx_seen {
	HV	*stash[QX_STASHES];
	int	 n;
};

/* A sub whose body is empty (IO::Handle's DESTROY {}): calling it does
 * nothing, so not calling it is not seen either. */
static int
qx_cv_empty(CV *cv)
{
	OP	*root, *first;

	if (CvISXSUB(cv) || (root = CvROOT(cv)) == NULL ||
	    root->op_type != OP_LEAVESUB)
		return 0;
	first = cUNOPx(root)->op_first;
	return first != NULL && first->op_type == OP_NEXTSTATE &&
	    !OpHAS_SIBLING(first);
}

/* Would destroying an object of this class call Perl code: a DESTROY
 * that does something, or an AUTOLOAD, which perl calls in its place? */
static int
qx_class_destroys(pTHX_ HV *stash)
{
	GV	*gv;
	CV	*cv;

	if (stash == NULL || HvNAME_get(stash) == NULL)
		return 0;	/* perl calls no method on those */
	/* Level -1: look up without caching, so without writing. */
	gv = gv_fetchmeth_pvn(stash, "DESTROY", 7, -1, 0);
	if (gv != NULL && (cv = GvCV(gv)) != NULL)
		return !qx_cv_empty(cv);
	/* (A declared but undefined DESTROY is the AUTOLOAD's too.) */
	gv = gv_fetchmeth_pvn(stash, "AUTOLOAD", 8, -1, 0);
	return gv != NULL && (cv = GvCV(gv)) != NULL &&
	    (CvROOT(cv) != NULL || CvISXSUB(cv));
}

/* Magic that calls out when its SV is freed (Variable::Magic and the
 * like): freeing is what destruction does. */
static int
qx_sv_hooked(SV *sv)
{
	MAGIC	*mg;

	if (SvTYPE(sv) < SVt_PVMG || !SvMAGICAL(sv))
		return 0;
	for (mg = SvMAGIC(sv); mg != NULL; mg = mg->mg_moremagic)
		if (mg->mg_type == PERL_MAGIC_ext && mg->mg_virtual != NULL &&
		    mg->mg_virtual->svt_free != NULL)
			return 1;
	return 0;
}

/* Walk every live SV (perl's arenas: each a run of SV heads whose first
 * is the arena's own, its SvANY the next arena and its SvREFCNT the
 * count).  True if destruction would run code. */
static int
qx_arenas_destroy(pTHX)
{
	struct qx_seen	 seen;
	SV		*arena, *sv, *end;
	HV		*stash;
	int		 i;

	seen.n = 0;
	for (arena = PL_sv_arenaroot; arena != NULL;
	    arena = MUTABLE_SV(SvANY(arena))) {
		end = &arena[SvREFCNT(arena)];
		for (sv = arena + 1; sv < end; sv++) {
			if (SvTYPE(sv) == (svtype)SVTYPEMASK ||
			    SvREFCNT(sv) == 0)
				continue;
			if (qx_sv_hooked(sv))
				return 1;
			if (!SvOBJECT(sv))
				continue;
			stash = SvSTASH(sv);
			for (i = 0; i < seen.n && seen.stash[i] != stash; i++)
				;
			if (i < seen.n)
				continue;
			if (qx_class_destroys(aTHX_ stash))
				return 1;
			if (seen.n < QX_STASHES)
				seen.stash[seen.n++] = stash;
		}
	}
	return 0;
}

/* A handle opened on a pipe to a command: closing it, as destruction
 * does, waits for the command. */
static int
qx_pipes_open(pTHX)
{
	SSize_t	 i;
	SV	**svp;

	if (PL_fdpid == NULL)
		return 0;
	for (i = 0; i <= AvFILLp(PL_fdpid); i++) {
		/* perl stores the pid as a plain IV (no IOK flag) and
		 * empties the slot when it has waited for it. */
		svp = av_fetch(PL_fdpid, i, 0);
		if (svp != NULL && *svp != NULL &&
		    (SvTYPE(*svp) != SVt_IV || SvIVX(*svp) != 0))
			return 1;
	}
	return 0;
}

/* Only the layers perl has built in: another (:encoding, :via) may be
 * told it is popped, and :via calls Perl code for that. */
static int
qx_layers_foreign(pTHX)
{
	static const char *const core[] = { "unix", "perlio", "stdio",
	    "crlf", "utf8", "bytes", "raw", "pop", "scalar", "mmap" };
	PerlIO_list_t	*known = PL_known_layers;
	const char	*name;
	IV		 i;
	size_t		 j;

	for (i = 0; known != NULL && i < known->cur; i++) {
		name = known->array[i].funcs->name;
		for (j = 0; j < sizeof(core) / sizeof(core[0]); j++)
			if (strcmp(name, core[j]) == 0)
				break;
		if (j == sizeof(core) / sizeof(core[0]))
			return 1;
	}
	return 0;
}

/* True if destruction here would be as good as a cold run's: nothing of
 * it could be seen. */
static int
qx_safe(pTHX)
{
	if (PL_endav != NULL && av_top_index(PL_endav) >= 0)
		return 0;	/* END blocks to run after ours */
	if (PL_perl_destruct_level != 0 ||
	    PerlEnv_getenv("PERL_DESTRUCT_LEVEL") != NULL)
		return 0;	/* asked for a full tear-down */
	if (PL_exitlistlen > 0 || PL_threadhook != Perl_nothreadhook)
		return 0;	/* XS exit hooks, threads to join */
	if (PL_phase != PERL_PHASE_END)
		return 0;
	return !qx_pipes_open(aTHX) && !qx_layers_foreign(aTHX) &&
	    !qx_arenas_destroy(aTHX);
}

/* Leave as perl's own end would: STDOUT's flush failing is reported and
 * makes the exit status 1 if it was 0; the other handles are flushed as
 * closing them would; exit() runs atexit handlers and flushes stdio. */
static void
qx_leave(pTHX)
{
	PerlIO	*out = PerlIO_stdout();

	if (out != NULL && *out != NULL && PerlIO_flush(out) != 0) {
		Perl_PerlIO_restore_errno(aTHX_ out);
		if (errno != 0)
			PerlIO_printf(PerlIO_stderr(),
			    "Unable to flush stdout: %s\n", Strerror(errno));
		if (!STATUS_UNIX)
			STATUS_ALL_FAILURE;
	}
	PerlIO_flush(NULL);
	exit(STATUS_EXIT);
}

XS_EXTERNAL(XS_WarmCGI__Zygote_quick_exit);
XS_EXTERNAL(XS_WarmCGI__Zygote_quick_exit)
{
	dXSARGS;

	if (items != 0)
		croak_xs_usage(cv, "");
	if (qx_safe(aTHX))
		qx_leave(aTHX);
	XSRETURN_EMPTY;
}

XS_EXTERNAL(boot_WarmCGI__Zygote);
XS_EXTERNAL(boot_WarmCGI__Zygote)
{
	dXSARGS;

	PERL_UNUSED_VAR(items);
	newXS("WarmCGI::Zygote::quick_exit", XS_WarmCGI__Zygote_quick_exit,
	    __FILE__);
	Perl_xs_boot_epilog(aTHX_ ax);
}
