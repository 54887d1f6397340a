#!/nonexistent/interp
echo never
