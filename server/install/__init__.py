"""Installing Tieout on a user's machine: the add-in where Excel loads it, the server's per-user port, and the
local server's process (status, stop)."""
