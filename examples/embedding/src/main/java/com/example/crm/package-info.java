package com.example.crm;
