namespace UpstartPS;
