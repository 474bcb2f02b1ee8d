import { Navigate, Outlet, useLocation } from 'react-router';
import { paths } from '../../paths';
import { LoadingIndicator } from '../common/loading';
import { ProblemAlert } from '../common/problem-alert';
import { isAfterSignOut, useMe } from './session';

/** Lets signed-in users through; others go to sign-in, users with a temporary password to its change. */
export function RequireAuth({ allowPasswordChange = false }: { allowPasswordChange?: boolean }) {
  const location = useLocation();
  const { data: me, isPending, error } = useMe();
  if (isPending) return <LoadingIndicator />;
  if (error) return <ProblemAlert error={error} />;
  if (!me) return <Navigate to={paths.signIn} replace state={isAfterSignOut() ? null : { from: location.pathname }} />;
  if (me.mustChangePassword && !allowPasswordChange) return <Navigate to={paths.passwordChange} replace />;
  if (!me.mustChangePassword && allowPasswordChange) return <Navigate to={paths.home} replace />;
  return <Outlet />;
}
