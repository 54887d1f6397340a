/*
 * The Perl zygote's quick exit: WarmCGI::Zygote::quick_exit(), an XSUB
 * that a request process calls from the last END block to run.
 *
 * A cold `perl SCRIPT`, its END blocks done, leaves the main program's
 * scope (closing the handles its lexicals held), frees temporaries,
 * flushes STDOUT and stdio, then destroys the objects still alive
 * (calling their DESTROY methods), closes every handle and calls exit().
 * In a request process forked from a zygote, that destruction writes to
 * every glob and object the zygote made (it takes a reference to each
 * glob, and unblesses each object), so each page holding one is copied:
 * about 80 page faults of CGI.pm's 480 a request.
 *
 * quick_exit() puts qx_hook() in PL_threadhook, which perl_destruct calls
 * once all of the above but the destruction is done (it flushes every
 * handle, not only STDOUT, before).  There, where
 * destruction could not run Perl code nor be seen from outside the
 * process, it calls exit() with perl's status, so that C atexit handlers
 * still run; otherwise it returns and perl destroys as usual.
 *
 * The checks only read: an SV head read is no page copied.
 */

#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"
#include "perliol.h"

#include <stdlib.h>
#include <string.h>

#define QX_STASHES	64	/* classes decided, remembered */
#define QX_ANCESTORS	64	/* classes looked at for one */

struct qx_seen {
	HV	*stash[QX_STASHES];
	char	 destroys[QX_STASHES];
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

#define QX_DESTROY	1	/* a DESTROY that may do something */
#define QX_EMPTY	2	/* a DESTROY with an empty body */
#define QX_AUTOLOAD	4	/* an AUTOLOAD */

/* What this class itself defines.  A DESTROY that is anything but a glob
 * holding a sub with an empty body (a stub, a constant, a declaration)
 * may do something. */
static int
qx_class_own(pTHX_ HV *stash)
{
	SV	**svp;
	CV	 *cv;
	int	  f = 0;

	svp = hv_fetchs(stash, "DESTROY", 0);
	if (svp != NULL)
		f |= isGV_with_GP(*svp) && (cv = GvCV((GV *)*svp)) != NULL &&
		    qx_cv_empty(cv) ? QX_EMPTY : QX_DESTROY;
	svp = hv_fetchs(stash, "AUTOLOAD", 0);
	if (svp != NULL && (!isGV_with_GP(*svp) || GvCV((GV *)*svp) != NULL))
		f |= QX_AUTOLOAD;
	return f;
}

/*
 * Would destroying an object of this class call Perl code?  It, its
 * ancestors and UNIVERSAL are looked at as a set: yes if one has a
 * DESTROY that may do something, or if none has a DESTROY and one has an
 * AUTOLOAD (perl calls that in DESTROY's place).  In whatever order perl
 * resolves methods, that can only say yes more often.  Read from the stashes
 * and @ISA arrays directly: perl's own lookup warns about a missing
 * parent (under the warnings of the statement in hand, ours) and dies on
 * recursive inheritance.  Anything unusual (a parent without a stash, an
 * @ISA entry not a plain string, too many ancestors) says yes.
 */
static int
qx_class_destroys(pTHX_ HV *stash)
{
	HV	*todo[QX_ANCESTORS], *done[QX_ANCESTORS], *st, *univ;
	SV	**svp, **ary, *name;
	AV	*isa;
	int	 ntodo = 0, ndone = 0, i, f = 0;
	SSize_t	 j;

	if (HvNAME_get(stash) == NULL)
		return 0;	/* perl calls no method on those */
	univ = gv_stashpvs("UNIVERSAL", 0);
	todo[ntodo++] = stash;
	if (univ != NULL && univ != stash)
		todo[ntodo++] = univ;
	while (ntodo > 0) {
		st = todo[--ntodo];
		for (i = 0; i < ndone && done[i] != st; i++)
			;
		if (i < ndone)
			continue;
		if (ndone == QX_ANCESTORS)
			return 1;
		if ((f |= qx_class_own(aTHX_ st)) & QX_DESTROY)
			return 1;
		done[ndone++] = st;
		svp = hv_fetchs(st, "ISA", 0);
		if (svp == NULL)
			continue;
		if (!isGV_with_GP(*svp))
			return 1;
		if ((isa = GvAV((GV *)*svp)) == NULL || !AvREAL(isa))
			continue;
		ary = AvARRAY(isa);
		for (j = 0; j <= AvFILLp(isa); j++) {
			name = ary[j];
			if (name == NULL || !SvPOK(name) || SvROK(name) ||
			    SvGMAGICAL(name) || ntodo == QX_ANCESTORS)
				return 1;
			st = gv_stashpvn(SvPVX(name), SvCUR(name),
			    SvUTF8(name) ? SVf_UTF8 : 0);
			if (st == NULL)
				return 1;
			todo[ntodo++] = st;
		}
	}
	return !(f & QX_EMPTY) && (f & QX_AUTOLOAD);
}

/* Decided once per class. */
static int
qx_seen_destroys(pTHX_ struct qx_seen *seen, HV *stash)
{
	int	i, d;

	for (i = 0; i < seen->n; i++)
		if (seen->stash[i] == stash)
			return seen->destroys[i];
	d = qx_class_destroys(aTHX_ stash);
	if (seen->n < QX_STASHES) {
		seen->stash[seen->n] = stash;
		seen->destroys[seen->n++] = (char)d;
	}
	return d;
}

/* Magic of an extension's with something to do when its SV is freed
 * (Variable::Magic and the like): freeing is what destruction does.
 * Perl's own magic frees memory only. */
static int
qx_sv_hooked(pTHX_ SV *sv)
{
	const MGVTBL	*v;
	MAGIC		*mg;

	if (SvTYPE(sv) < SVt_PVMG)
		return 0;
	for (mg = SvMAGIC(sv); mg != NULL; mg = mg->mg_moremagic) {
		v = mg->mg_virtual;
		if (v != NULL && v->svt_free != NULL &&
		    (v < PL_magic_vtables ||
		    v >= PL_magic_vtables + magic_vtable_max))
			return 1;
	}
	return 0;
}

/*
 * A handle whose closing would be seen: an error (perl's flush of every
 * handle, just before, failed: closing warns), output still buffered
 * (there should be none left by then), or a layer that is told it is
 * popped or is not perl's own (:encoding, :via, :gzip write at close).
 */
static int
qx_handle_busy(PerlIO *f)
{
	static const char *const core[] = { "unix", "perlio", "stdio",
	    "crlf", "utf8", "bytes", "raw", "pop", "scalar", "mmap" };
	PerlIOl		*l;
	size_t		 i;

	if (f == NULL)
		return 0;
	for (l = *f; l != NULL; l = l->next) {
		if (l->flags & (PERLIO_F_WRBUF | PERLIO_F_ERROR))
			return 1;
		if (l->tab == NULL || (l->tab->kind & PERLIO_K_DESTRUCT))
			return 1;
		for (i = 0; i < sizeof(core) / sizeof(core[0]); i++)
			if (strcmp(l->tab->name, core[i]) == 0)
				break;
		if (i == sizeof(core) / sizeof(core[0]))
			return 1;
	}
	return 0;
}

/* Walk every live SV (perl's arenas: each a run of SV heads whose first
 * is the arena's own, its SvANY the next arena and its SvREFCNT the
 * count).  True if destruction would be seen. */
static int
qx_arenas_busy(pTHX)
{
	struct qx_seen	 seen;
	SV		*arena, *sv, *end;

	seen.n = 0;
	for (arena = PL_sv_arenaroot; arena != NULL;
	    arena = MUTABLE_SV(SvANY(arena))) {
		end = &arena[SvREFCNT(arena)];
		for (sv = arena + 1; sv < end; sv++) {
			if (SvTYPE(sv) == (svtype)SVTYPEMASK ||
			    SvREFCNT(sv) == 0)
				continue;
			if (qx_sv_hooked(aTHX_ sv))
				return 1;
			if (SvTYPE(sv) == SVt_PVIO &&
			    (qx_handle_busy(IoIFP((IO *)sv)) ||
			    (IoOFP((IO *)sv) != IoIFP((IO *)sv) &&
			    qx_handle_busy(IoOFP((IO *)sv)))))
				return 1;
			if (SvOBJECT(sv) &&
			    qx_seen_destroys(aTHX_ &seen, SvSTASH(sv)))
				return 1;
		}
	}
	return 0;
}

/* A handle opened on a pipe to a command: closing it, as destruction
 * does, waits for the command.  Perl keeps the pid as a plain IV (no IOK
 * flag) and empties the slot once it has waited. */
static int
qx_pipes_open(pTHX)
{
	SSize_t	 i;
	SV	**svp;

	if (PL_fdpid == NULL)
		return 0;
	for (i = 0; i <= AvFILLp(PL_fdpid); i++) {
		svp = av_fetch(PL_fdpid, i, 0);
		if (svp != NULL && *svp != NULL &&
		    (SvTYPE(*svp) != SVt_IV || SvIVX(*svp) != 0))
			return 1;
	}
	return 0;
}

/* True if destruction here would be as good as a cold run's: nothing of
 * it could be seen. */
static int
qx_safe(pTHX)
{
	if (PL_perl_destruct_level != 0 ||
	    PerlEnv_getenv("PERL_DESTRUCT_LEVEL") != NULL)
		return 0;	/* asked for a full tear-down */
	if (PL_exitlistlen > 0 || PL_destroyhook != Perl_sv_destroyable ||
	    PL_opfreehook != NULL)
		return 0;	/* an extension's hooks */
	return !qx_pipes_open(aTHX) && !qx_arenas_busy(aTHX);
}

/* perl_destruct's thread hook, ours while no threads module has it: all
 * that comes before destruction is done.  Returns 0 (go on) unless it
 * exits. */
static int
qx_hook(pTHX)
{
	PL_threadhook = Perl_nothreadhook;
	if (!qx_safe(aTHX))
		return 0;
	exit(STATUS_EXIT);
}

XS_EXTERNAL(XS_WarmCGI__Zygote_quick_exit);
XS_EXTERNAL(XS_WarmCGI__Zygote_quick_exit)
{
	dXSARGS;

	if (items != 0)
		croak_xs_usage(cv, "");
	if (PL_threadhook == Perl_nothreadhook)	/* not the threads module */
		PL_threadhook = qx_hook;
	XSRETURN_EMPTY;
}

XS_EXTERNAL(boot_WarmCGI__Zygote);
XS_EXTERNAL(boot_WarmCGI__Zygote)
{
	dXSBOOTARGSAPIVERCHK;

	PERL_UNUSED_VAR(items);
	newXS("WarmCGI::Zygote::quick_exit", XS_WarmCGI__Zygote_quick_exit,
	    __FILE__);
	Perl_xs_boot_epilog(aTHX_ ax);
}
